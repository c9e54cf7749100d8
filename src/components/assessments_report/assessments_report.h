/* assessments_report: the recruiter's assessment report as a PDF (S13).
 *
 * A pure renderer: it reads the Assessment object exactly as S3 returns it
 * (contract §2.5) and draws an A4 document with cairo, entirely in memory.
 * It touches no database, file or network; the assessments component looks
 * the data up and hands it over. */
#ifndef TALI_COMPONENTS_ASSESSMENTS_REPORT_H
#define TALI_COMPONENTS_ASSESSMENTS_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "platform/err.h"

/* Renders the report of one assessment.
 *
 * assessment: the S3 Assessment object (borrowed, not modified).  Any field
 *   may be missing, null or of an unexpected type: such values print as
 *   "n/a" or are left out, so a pending assessment (no scores, empty
 *   timeline) renders fine.
 * candidate_name, candidate_email, org_name: UTF-8 strings, each may be NULL
 *   or empty.  An empty name falls back to the assessment's candidate_name,
 *   then to the e-mail, then to "Candidate".  Invalid UTF-8 and control
 *   characters are replaced, never passed to cairo.
 *
 * The document holds: title, candidate, organisation, task, status, dates
 * (RFC 3339), durations, score /10 and final score /100 with the
 * recommendation, tests passed, the category scores, behavioural signals,
 * fraud flags, the timeline (one entry per line, long text wrapped, pages
 * added as they fill) and the recruiter notes.  Glyphs the font lacks (for
 * example CJK without a CJK font) draw as empty boxes; the PDF still carries
 * the text for extraction.
 *
 * On success returns ERR_OK and sets *pdf to a heap buffer of *len bytes
 * (a complete PDF; the caller frees it with free()).  Returns ERR_INTERNAL
 * with *pdf = NULL and *len = 0 when assessment is not a JSON object, when
 * pdf or len is NULL, or when cairo reports an error (for instance no usable
 * font). */
err_t assessments_report_pdf(const json_t *assessment, const char *candidate_name, const char *candidate_email,
                             const char *org_name, unsigned char **pdf, size_t *len);

#endif
