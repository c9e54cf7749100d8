/* stripe: the webhook signature check (api-contract W2,
 * platform-integrations §7.2) against vectors computed independently with
 * `printf '%s' "<t>.<payload>" | openssl dgst -sha256 -hmac "$SECRET"`,
 * the payload parser, and the API client's form encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "components/integrations/stripe/stripe.h"
#include "platform/mem.h"

#define SECRET "whsec_test_secret"
#define T 1700000000LL
#define US 1000000LL
#define NOW_OK ((T + 10) * US)

/* HMAC-SHA256 hex with key SECRET of ... */
#define SIG_EVENT "22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31" /* "1700000000." EVENT */
#define SIG_EMPTY "316b9ab98c15bfa039d243f3196acee619cf29749a91a634e6a8154e2f7b6727" /* "1700000000." */
#define SIG_OBJ "ceb8863f7208fa249a6cd8f951e993c7563412aca65866f6272283debe143ab3"   /* "1700000000.{}" */
#define SIG_NEG "4d2d6cb05afa63e16bd9e42d4a389d94441994776948c0627d20ecb3e43d0208"   /* "-5.{}" */
#define SIG_ZERO "13f6d44b9cf5d88556347e2bf7903d906d9673d3ac60cfd268d829d86ad2df73"  /* "0.{}" */
#define SIG_UTF8 "2ca8f9cad2c5fabd73f94eac72b5bba417d0fd6a962d76a05ccb66532b4719fa"  /* "1700000000.héllo" */
#define SIG_HUGE "13612c2d51ac210d4fca8c651728704cc9429ace4f10523fcd57b915e87cb8c9"  /* "99999999999999999999999.{}" */
/* key "other", "1700000000.{}" */
#define SIG_OTHER_KEY "54598408bfdfd701df92e01e226bf761591acc3aa090edc2be8cb9a78cf5bac3"

#define EVENT "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}"

static stripe_sig_status_t verify(const char *header, const char *payload, int64_t now_us)
{
    return stripe_verify_signature(header, payload, strlen(payload), SECRET, now_us, STRIPE_TOLERANCE_S);
}

static void test_valid(void **state)
{
    (void)state;
    assert_int_equal(verify("t=1700000000,v1=" SIG_EVENT, EVENT, NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t=1700000000,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    /* order of items does not matter */
    assert_int_equal(verify("v1=" SIG_OBJ ",t=1700000000", "{}", NOW_OK), STRIPE_SIG_OK);
    /* the body is signed as it arrived, UTF-8 bytes included */
    assert_int_equal(verify("t=1700000000,v1=" SIG_UTF8, "h\xc3\xa9llo", NOW_OK), STRIPE_SIG_OK);
    /* an empty body is signed too (its parse fails later) */
    assert_int_equal(verify("t=1700000000,v1=" SIG_EMPTY, "", NOW_OK), STRIPE_SIG_OK);
}

static void test_any_v1_matches(void **state)
{
    (void)state;
    assert_int_equal(verify("t=1700000000,v1=" SIG_OTHER_KEY ",v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t=1700000000,v1=" SIG_OBJ ",v1=" SIG_OTHER_KEY, "{}", NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t=1700000000,v1=short,v1=" SIG_OBJ ",v0=zz", "{}", NOW_OK), STRIPE_SIG_OK);
    /* a v0 signature, even a correct one, is not a v1 */
    assert_int_equal(verify("t=1700000000,v0=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_NO_V1);
    assert_int_equal(verify("t=1700000000,v0=" SIG_OBJ ",v1=" SIG_OTHER_KEY, "{}", NOW_OK), STRIPE_SIG_MISMATCH);
}

static void test_mismatch(void **state)
{
    (void)state;
    /* wrong secret */
    assert_int_equal(stripe_verify_signature("t=1700000000,v1=" SIG_OBJ, "{}", 2, "whsec_other", NOW_OK, 300),
                     STRIPE_SIG_MISMATCH);
    /* the key is the whole secret, prefix included */
    assert_int_equal(stripe_verify_signature("t=1700000000,v1=" SIG_OBJ, "{}", 2, "test_secret", NOW_OK, 300),
                     STRIPE_SIG_MISMATCH);
    /* tampered body */
    assert_int_equal(verify("t=1700000000,v1=" SIG_EVENT, EVENT " ", NOW_OK), STRIPE_SIG_MISMATCH);
    assert_int_equal(verify("t=1700000000,v1=" SIG_OBJ, "{ }", NOW_OK), STRIPE_SIG_MISMATCH);
    /* the signature covers the timestamp */
    assert_int_equal(verify("t=1700000001,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_MISMATCH);
    /* upper-case hex is not what Stripe sends, and compare_digest is exact */
    assert_int_equal(
        verify("t=1700000000,v1=CEB8863F7208FA249A6CD8F951E993C7563412ACA65866F6272283DEBE143AB3", "{}", NOW_OK),
        STRIPE_SIG_MISMATCH);
    /* a signature with a trailing byte */
    assert_int_equal(verify("t=1700000000,v1=" SIG_OBJ "0", "{}", NOW_OK), STRIPE_SIG_MISMATCH);
    /* a key with a blank before it is another key */
    assert_int_equal(verify("t=1700000000, v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_NO_V1);
}

static void test_tolerance(void **state)
{
    (void)state;
    const char *h = "t=1700000000,v1=" SIG_OBJ;
    assert_int_equal(verify(h, "{}", (T + 300) * US), STRIPE_SIG_OK);
    assert_int_equal(verify(h, "{}", (T + 300) * US + 1), STRIPE_SIG_TOO_OLD);
    assert_int_equal(verify(h, "{}", (T + 301) * US), STRIPE_SIG_TOO_OLD);
    assert_int_equal(verify(h, "{}", (T + 86400) * US), STRIPE_SIG_TOO_OLD);
    /* timestamps in the future are accepted, as stripe-python did */
    assert_int_equal(verify(h, "{}", (T - 86400) * US), STRIPE_SIG_OK);
    assert_int_equal(verify("t=99999999999999999999999,v1=" SIG_HUGE, "{}", NOW_OK), STRIPE_SIG_OK);
    /* no tolerance: only the signature counts */
    assert_int_equal(stripe_verify_signature(h, "{}", 2, SECRET, (T + 86400) * US, 0), STRIPE_SIG_OK);
    /* the signature is checked before the age */
    assert_int_equal(verify("t=1700000000,v1=" SIG_OTHER_KEY, "{}", (T + 86400) * US), STRIPE_SIG_MISMATCH);
    /* negative and zero timestamps are valid ints, and ancient */
    assert_int_equal(verify("t=-5,v1=" SIG_NEG, "{}", NOW_OK), STRIPE_SIG_TOO_OLD);
    assert_int_equal(stripe_verify_signature("t=-5,v1=" SIG_NEG, "{}", 2, SECRET, NOW_OK, 0), STRIPE_SIG_OK);
    assert_int_equal(stripe_verify_signature("t=-0,v1=" SIG_ZERO, "{}", 2, SECRET, NOW_OK, 0), STRIPE_SIG_OK);
    assert_int_equal(stripe_verify_signature("t=000,v1=" SIG_ZERO, "{}", 2, SECRET, NOW_OK, 0), STRIPE_SIG_OK);
}

static void test_timestamp_as_python_int(void **state)
{
    (void)state;
    /* int() accepts these and "%d" prints them as 1700000000 */
    assert_int_equal(verify("t=0001700000000,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t= 1700000000 ,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t=+1700000000,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t=1_700_000_000,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    /* the value ends at a second "=" */
    assert_int_equal(verify("t=1700000000=9,v1=" SIG_OBJ "=x", "{}", NOW_OK), STRIPE_SIG_OK);
    /* only the first t counts; a later bad one is never converted */
    assert_int_equal(verify("t=1700000000,t=later,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_OK);
    assert_int_equal(verify("t=1700000001,t=1700000000,v1=" SIG_OBJ, "{}", NOW_OK), STRIPE_SIG_MISMATCH);
}

static void test_malformed(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "garbage",
        "v1=" SIG_OBJ,    /* no t */
        "t=,v1=" SIG_OBJ, /* empty t */
        "t=abc,v1=" SIG_OBJ,
        "t=17e8,v1=" SIG_OBJ,
        "t=1700000000.0,v1=" SIG_OBJ,
        "t=1__700000000,v1=" SIG_OBJ,
        "t=_1700000000,v1=" SIG_OBJ,
        "t=1700000000_,v1=" SIG_OBJ,
        "t=- 5,v1=" SIG_OBJ,
        "t,v1=" SIG_OBJ,                  /* t without a value */
        "t=1700000000,t,v1=" SIG_OBJ,     /* any t item without a value */
        "t=1700000000,v1=" SIG_OBJ ",v1", /* a v1 item without a value */
        "T=1700000000,v1=" SIG_OBJ,       /* keys are case-sensitive */
        "t = 1700000000,v1=" SIG_OBJ,
        ",,,",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        stripe_sig_status_t s = verify(bad[i], "{}", NOW_OK);
        if (s != STRIPE_SIG_MALFORMED)
            fail_msg("header %zu \"%s\": %s", i, bad[i], stripe_sig_status_name(s));
    }
    assert_int_equal(verify(NULL, "{}", NOW_OK), STRIPE_SIG_MALFORMED);
    assert_int_equal(stripe_verify_signature("t=1700000000,v1=" SIG_OBJ, "{}", 2, NULL, NOW_OK, 300),
                     STRIPE_SIG_MALFORMED);
    /* a parsable header without v1 */
    assert_int_equal(verify("t=1700000000", "{}", NOW_OK), STRIPE_SIG_NO_V1);
    assert_int_equal(verify("t=1700000000,v1x=" SIG_OBJ ",other", "{}", NOW_OK), STRIPE_SIG_NO_V1);
    /* other items without "=" are harmless */
    assert_int_equal(verify("junk,t=1700000000,v1=" SIG_OBJ ",more", "{}", NOW_OK), STRIPE_SIG_OK);
}

static void test_parse_event(void **state)
{
    (void)state;
    json_t *ev = NULL;
    assert_int_equal(stripe_parse_event(EVENT, strlen(EVENT), &ev), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(ev, "type")), "payment_intent.succeeded");
    json_decref(ev);
    const char *bad[] = {"", " ", "{", "[1,2]", "\"str\"", "42", "null", "{\"a\":1}x", "{'a':1}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ev = (json_t *)1;
        assert_int_equal(stripe_parse_event(bad[i], strlen(bad[i]), &ev), ERR_BAD_REQUEST);
        assert_null(ev);
    }
    /* not UTF-8 */
    assert_int_equal(stripe_parse_event("{\"a\":\"\xff\"}", 8, &ev), ERR_BAD_REQUEST);
    /* a NUL byte inside */
    assert_int_equal(stripe_parse_event("{\"a\":1}\0", 8, &ev), ERR_BAD_REQUEST);
}

static void test_form_encode(void **state)
{
    (void)state;
    mem_arena_t *a = mem_arena_new();
    const char *pairs[] = {
        "customer", "cus_1",       "line_items[0][price_data][product_data][name]", "TALI Assessment",  "skipped",
        NULL,       "success_url", "https://x.test/#/settings?payment=success&a=b", "metadata[org_id]", "7",
        NULL};
    assert_string_equal(stripe_form_encode(a, pairs),
                        "customer=cus_1"
                        "&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=TALI%20Assessment"
                        "&success_url=https%3A%2F%2Fx.test%2F%23%2Fsettings%3Fpayment%3Dsuccess%26a%3Db"
                        "&metadata%5Borg_id%5D=7");
    const char *none[] = {NULL};
    assert_string_equal(stripe_form_encode(a, none), "");
    mem_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_any_v1_matches),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_timestamp_as_python_int),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_parse_event),
        cmocka_unit_test(test_form_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
