/* organizations: creating organisations with the original's slugs
 * (str.lower() with " " -> "-", a free numeric suffix on a clash), reading
 * them back, and the Workable and Stripe columns other components reach
 * through organizations.h.  SQLite in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "components/organizations/organizations.h"
#include "svcdb.h"

static const char *slug_of(svcdb_t *f, int64_t id)
{
    organizations_org_t o;
    assert_int_equal(organizations_get(f->db, f->a, id, &o), ERR_OK);
    return o.slug;
}

static void test_slugify(void **state)
{
    svcdb_t *f = *state;
    assert_string_equal(organizations_slugify(f->a, "Acme Corp"), "acme-corp");
    /* "Ünïcode  ÉTÉ Ա".lower().replace(" ", "-") in Python */
    assert_string_equal(organizations_slugify(f->a, "\xc3\x9cn\xc3\xaf"
                                                    "code  \xc3\x89T\xc3\x89 \xd4\xb1"),
                        "\xc3\xbcn\xc3\xaf"
                        "code--\xc3\xa9t\xc3\xa9-\xd5\xa1");
    assert_string_equal(organizations_slugify(f->a, ""), "");
}

static void test_create_gives_free_slugs(void **state)
{
    svcdb_t *f = *state;
    int64_t a = 0, b = 0, c = 0;
    assert_int_equal(organizations_create(f->db, "Acme Corp", &a), ERR_OK);
    assert_int_equal(organizations_create(f->db, "ACME corp", &b), ERR_OK);
    assert_int_equal(organizations_create(f->db, "acme Corp", &c), ERR_OK);
    assert_true(a != b && b != c);
    assert_string_equal(slug_of(f, a), "acme-corp");
    assert_string_equal(slug_of(f, b), "acme-corp-2");
    assert_string_equal(slug_of(f, c), "acme-corp-3");
    organizations_org_t o;
    assert_int_equal(organizations_get(f->db, f->a, b, &o), ERR_OK);
    assert_string_equal(o.name, "ACME corp");
    assert_false(o.workable_connected);
    assert_int_equal(organizations_get(f->db, f->a, c + 100, &o), ERR_NOT_FOUND);
}

static void test_workable_connection(void **state)
{
    svcdb_t *f = *state;
    int64_t id = 0, found_id = 0;
    bool found = true;
    assert_int_equal(organizations_create(f->db, "Hooked", &id), ERR_OK);
    assert_int_equal(organizations_workable_find_by_subdomain(f->db, "hooked", &found_id, &found), ERR_OK);
    assert_false(found);
    assert_int_equal(organizations_workable_connect(f->db, id, "tok", NULL, "hooked"), ERR_OK);
    assert_int_equal(organizations_workable_find_by_subdomain(f->db, "hooked", &found_id, &found), ERR_OK);
    assert_true(found);
    assert_int_equal(found_id, id);
    organizations_workable_t w;
    assert_int_equal(organizations_workable_get(f->db, f->a, id, &w), ERR_OK);
    assert_true(w.connected);
    assert_string_equal(w.access_token, "tok");
    assert_string_equal(w.subdomain, "hooked");
    assert_int_equal(organizations_workable_connect(f->db, id + 1, "tok", NULL, "x"), ERR_NOT_FOUND);
}

static void test_stripe_customer_first_claim_wins(void **state)
{
    svcdb_t *f = *state;
    int64_t id = 0, by = 0;
    bool found = false;
    const char *stored = NULL;
    assert_int_equal(organizations_create(f->db, "Payer", &id), ERR_OK);
    assert_int_equal(organizations_claim_stripe_customer(f->db, f->a, id, "cus_1", &stored), ERR_OK);
    assert_string_equal(stored, "cus_1");
    assert_int_equal(organizations_claim_stripe_customer(f->db, f->a, id, "cus_2", &stored), ERR_OK);
    assert_string_equal(stored, "cus_1");
    assert_int_equal(organizations_find_by_stripe_customer(f->db, "cus_1", &by, &found), ERR_OK);
    assert_true(found);
    assert_int_equal(by, id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slugify, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_create_gives_free_slugs, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_workable_connection, svcdb_setup, svcdb_teardown),
        cmocka_unit_test_setup_teardown(test_stripe_customer_first_claim_wins, svcdb_setup, svcdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
