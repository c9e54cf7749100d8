/* billing: the usage list of B1 (completed assessments, newest first, at
 * a fixed price) and its date format. */
#include <stdio.h>
#include <time.h>

#include "components/assessments/assessments.h"
#include "components/billing/billing.h"
#include "components/candidates/candidates.h"
#include "components/tasks/tasks.h"

#define BILLING_MAX_ROWS 100
#define BILLING_PRICE_POUNDS 25
#define BILLING_COST "\302\24325" /* "£25" in UTF-8 (octal escapes end after three digits) */

char *billing_format_date(int64_t us, char buf[24])
{
    /* fixed English names: the C locale's %b, whatever the process locale */
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, 24, "%s %02d, %04d", months[tm.tm_mon % 12], tm.tm_mday % 100, (tm.tm_year + 1900) % 10000);
    return buf;
}

err_t billing_usage(db_t *db, mem_arena_t *a, int64_t org_id, json_t **out)
{
    assessments_usage_row_t *rows = NULL;
    size_t n = 0;
    err_t e = assessments_usage_rows(db, a, org_id, BILLING_MAX_ROWS, &rows, &n);
    if (e != ERR_OK)
        return e;
    int64_t *cids = mem_alloc(a, sizeof *cids * (n ? n : 1));
    candidates_contact_t *contacts = mem_alloc(a, sizeof *contacts * (n ? n : 1));
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].has_candidate)
            cids[nc++] = rows[i].candidate_id;
    if (candidates_contacts(db, a, cids, nc, contacts) != ERR_OK)
        return ERR_INTERNAL;
    json_t *usage = json_array();
    for (size_t i = 0, ci = 0; i < n; i++) {
        const char *candidate = NULL, *task = NULL;
        if (rows[i].has_candidate) {
            const candidates_contact_t *c = &contacts[ci++];
            if (c->found)
                candidate = c->full_name && *c->full_name ? c->full_name : c->email;
        }
        task_t t;
        if (rows[i].has_task && tasks_get(db, a, rows[i].task_id, &t) == ERR_OK)
            task = t.name;
        char date[24];
        json_array_append_new(usage, json_pack("{s:s,s:s,s:s,s:s,s:I}", "date",
                                               billing_format_date(rows[i].completed_at_us, date), "candidate",
                                               candidate && *candidate ? candidate : "\xe2\x80\x94", "task",
                                               task && *task ? task : "\xe2\x80\x94", "cost", BILLING_COST,
                                               "assessment_id", (json_int_t)rows[i].assessment_id));
    }
    *out = usage;
    return ERR_OK;
}

json_t *billing_usage_json(json_t *usage)
{
    json_int_t total = (json_int_t)json_array_size(usage) * BILLING_PRICE_POUNDS;
    return json_pack("{s:o,s:I}", "usage", usage, "total_cost", total);
}
