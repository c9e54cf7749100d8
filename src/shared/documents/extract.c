/* documents: the PDF and DOCX readers (run inside the isolated child) and
 * documents_extract, which puts the pieces together. */
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <errno.h>
#include <poppler.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "shared/documents.h"

/* The DOCX body part can be far larger than the upload (it is deflated);
 * beyond this it is treated as a zip bomb. */
#define DOC_DOCX_XML_MAX ((zip_uint64_t)64 << 20)

static const char DOC_W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/* ---- PDF ---- */

static bool doc_blank(const char *s)
{
    size_t a, e;
    documents_strip_bounds(s, strlen(s), &a, &e);
    return a == e;
}

static documents_status_t doc_pdf(const void *data, size_t len, mem_buf_t *out)
{
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *error = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &error);
    if (!doc) {
        documents_status_t st = DOCUMENTS_ERR_CORRUPT;
        if (error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED)
            st = DOCUMENTS_ERR_ENCRYPTED;
        if (error)
            g_error_free(error);
        g_bytes_unref(bytes);
        return st;
    }
    int pages = poppler_document_get_n_pages(doc);
    bool first = true;
    for (int i = 0; i < pages; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        char *t = poppler_page_get_text(page);
        if (t && !doc_blank(t)) {
            if (!first)
                mem_buf_puts(out, "\n\n");
            mem_buf_puts(out, t);
            first = false;
        }
        g_free(t);
        g_object_unref(page);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return DOCUMENTS_OK;
}

/* ---- DOCX ---- */

static bool doc_is_w(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, DOC_W_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* python-docx's CT_R.text: w:t text, w:tab and w:ptab as tab, w:cr and a
 * text-wrapping w:br as newline (page and column breaks are ""),
 * w:noBreakHyphen as "-". */
static void doc_run_text(const xmlNode *r, mem_buf_t *b)
{
    for (const xmlNode *c = r->children; c; c = c->next) {
        if (doc_is_w(c, "t")) {
            xmlChar *t = xmlNodeGetContent(c);
            if (t) {
                mem_buf_puts(b, (const char *)t);
                xmlFree(t);
            }
        } else if (doc_is_w(c, "tab") || doc_is_w(c, "ptab")) {
            mem_buf_puts(b, "\t");
        } else if (doc_is_w(c, "cr")) {
            mem_buf_puts(b, "\n");
        } else if (doc_is_w(c, "br")) {
            xmlChar *type = xmlGetNsProp(c, (const xmlChar *)"type", (const xmlChar *)DOC_W_NS);
            if (!type || strcmp((const char *)type, "textWrapping") == 0)
                mem_buf_puts(b, "\n");
            xmlFree(type);
        } else if (doc_is_w(c, "noBreakHyphen")) {
            mem_buf_puts(b, "-");
        }
    }
}

static void doc_paragraph_text(const xmlNode *p, mem_buf_t *b)
{
    for (const xmlNode *c = p->children; c; c = c->next) {
        if (doc_is_w(c, "r")) {
            doc_run_text(c, b);
        } else if (doc_is_w(c, "hyperlink")) {
            for (const xmlNode *r = c->children; r; r = r->next)
                if (doc_is_w(r, "r"))
                    doc_run_text(r, b);
        }
    }
}

static documents_status_t doc_docx_xml(const char *xml, size_t len, mem_buf_t *out)
{
    if (len > (size_t)INT32_MAX)
        return DOCUMENTS_ERR_RESOURCES;
    /* no network, no entity substitution, no DTD loading */
    xmlDoc *d =
        xmlReadMemory(xml, (int)len, "document.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!d)
        return DOCUMENTS_ERR_CORRUPT;
    xmlNode *root = xmlDocGetRootElement(d);
    if (!root || !doc_is_w(root, "document")) {
        xmlFreeDoc(d);
        return DOCUMENTS_ERR_CORRUPT;
    }
    const xmlNode *body = NULL;
    for (const xmlNode *c = root->children; c && !body; c = c->next)
        if (doc_is_w(c, "body"))
            body = c;
    bool first = true;
    mem_buf_t para = {0};
    for (const xmlNode *c = body ? body->children : NULL; c; c = c->next) {
        if (!doc_is_w(c, "p"))
            continue;
        para.len = 0;
        mem_buf_append(&para, "", 0);
        doc_paragraph_text(c, &para);
        if (doc_blank(para.data))
            continue;
        if (!first)
            mem_buf_puts(out, "\n\n");
        mem_buf_append(out, para.data, para.len);
        first = false;
    }
    mem_buf_free(&para);
    xmlFreeDoc(d);
    return DOCUMENTS_OK;
}

static documents_status_t doc_docx(const void *data, size_t len, mem_buf_t *out)
{
    /* A password-protected Office document is an OLE compound file
     * (EncryptedPackage), not a zip. */
    static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (len >= sizeof ole && memcmp(data, ole, sizeof ole) == 0)
        return DOCUMENTS_ERR_ENCRYPTED;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return DOCUMENTS_ERR_CORRUPT;
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        zip_source_free(src);
        zip_error_fini(&ze);
        return DOCUMENTS_ERR_CORRUPT;
    }
    zip_error_fini(&ze);
    documents_status_t st = DOCUMENTS_ERR_CORRUPT;
    zip_stat_t zs;
    zip_int64_t idx = zip_name_locate(z, "word/document.xml", 0);
    if (idx >= 0 && zip_stat_index(z, (zip_uint64_t)idx, 0, &zs) == 0) {
        if ((zs.valid & ZIP_STAT_ENCRYPTION_METHOD) && zs.encryption_method != ZIP_EM_NONE) {
            st = DOCUMENTS_ERR_ENCRYPTED;
        } else if ((zs.valid & ZIP_STAT_SIZE) && zs.size > DOC_DOCX_XML_MAX) {
            st = DOCUMENTS_ERR_RESOURCES;
        } else {
            zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
            if (f) {
                mem_buf_t xml = {0};
                char chunk[65536];
                zip_int64_t n;
                st = DOCUMENTS_OK;
                while ((n = zip_fread(f, chunk, sizeof chunk)) > 0) {
                    if (xml.len + (size_t)n > DOC_DOCX_XML_MAX) {
                        st = DOCUMENTS_ERR_RESOURCES;
                        break;
                    }
                    mem_buf_append(&xml, chunk, (size_t)n);
                }
                if (n < 0)
                    st = DOCUMENTS_ERR_CORRUPT;
                zip_fclose(f);
                if (st == DOCUMENTS_OK)
                    st = doc_docx_xml(xml.data ? xml.data : "", xml.len, out);
                mem_buf_free(&xml);
            }
        }
    }
    zip_discard(z);
    return st;
}

documents_status_t documents_extract_inprocess(documents_kind_t kind, const void *data, size_t len, mem_buf_t *out)
{
    if (len == 0)
        return DOCUMENTS_ERR_EMPTY;
    switch (kind) {
    case DOCUMENTS_PDF: return doc_pdf(data, len, out);
    case DOCUMENTS_DOCX: return doc_docx(data, len, out);
    case DOCUMENTS_TXT: mem_buf_append(out, data, len); return DOCUMENTS_OK;
    }
    return DOCUMENTS_ERR_CORRUPT;
}

typedef struct {
    documents_kind_t kind;
    const void *data;
    size_t len;
} doc_job_t;

static documents_status_t doc_child(void *ctx, mem_buf_t *out)
{
    const doc_job_t *j = ctx;
    return documents_extract_inprocess(j->kind, j->data, j->len, out);
}

/* The process-wide bound on isolated extractions at once: each is a child
 * of up to 512 MiB that keeps a core busy for up to 10 s, so two dozen
 * uploads at once would otherwise starve every other request of CPU and
 * memory.  The count is configuration: set once at start-up
 * (documents_set_max_concurrent) before the first extraction creates the
 * semaphore. */
static pthread_once_t doc_slots_once = PTHREAD_ONCE_INIT;
static sem_t doc_slots;
static unsigned doc_slots_n = DOCUMENTS_DEFAULT_CONCURRENCY;

/* How long an extraction waits for a slot before it gives up (and the
 * upload goes on with no text, as for any failed extraction). */
#define DOC_SLOT_WAIT_S 120

static void doc_slots_init(void)
{
    sem_init(&doc_slots, 0, doc_slots_n);
}

void documents_set_max_concurrent(int n)
{
    if (n > 0)
        doc_slots_n = (unsigned)n;
}

static bool doc_slot_take(void)
{
    pthread_once(&doc_slots_once, doc_slots_init);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += DOC_SLOT_WAIT_S;
    int r;
    while ((r = sem_timedwait(&doc_slots, &until)) != 0 && errno == EINTR)
        ;
    return r == 0;
}

static documents_status_t doc_run_bounded(doc_job_t *job, const documents_limits_t *limits, char **raw, size_t *raw_len)
{
    if (!doc_slot_take())
        return DOCUMENTS_ERR_TIMEOUT;
    documents_status_t st = documents_run_isolated(doc_child, job, limits, raw, raw_len);
    sem_post(&doc_slots);
    return st;
}

documents_status_t documents_extract(documents_kind_t kind, const void *data, size_t len,
                                     const documents_limits_t *limits, char **text, size_t *text_len)
{
    *text = NULL;
    if (text_len)
        *text_len = 0;
    if (len == 0)
        return DOCUMENTS_ERR_EMPTY;
    char *raw = NULL;
    size_t raw_len = 0;
    documents_status_t st;
    if (kind == DOCUMENTS_TXT) {
        /* plain decoding is linear and cannot misbehave: no child needed */
        size_t max = limits && limits->max_text_bytes ? limits->max_text_bytes : (size_t)8 << 20;
        raw_len = len < max ? len : max;
        raw = xmalloc(raw_len + 1);
        memcpy(raw, data, raw_len);
        raw[raw_len] = '\0';
        st = DOCUMENTS_OK;
    } else {
        doc_job_t job = {kind, data, len};
        st = doc_run_bounded(&job, limits, &raw, &raw_len);
    }
    if (st != DOCUMENTS_OK) {
        free(raw);
        return st;
    }
    size_t clean_len;
    char *clean = documents_utf8_sanitize(raw, raw_len, &clean_len);
    free(raw);
    size_t a, e;
    documents_strip_bounds(clean, clean_len, &a, &e);
    memmove(clean, clean + a, e - a);
    clean[e - a] = '\0';
    *text = clean;
    if (text_len)
        *text_len = e - a;
    return DOCUMENTS_OK;
}
