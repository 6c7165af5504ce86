/* test_template_loader.c - the YAML loader: positions, short-form tags, limits. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "templates/yaml_loader.h"

static dp_doc *load(const char *text, dp_diags *d)
{
    dp_diags_init(d);
    return dp_load_buf("t.yaml", text, strlen(text), d);
}

static void test_positions_and_tags(void)
{
    dp_diags d;
    dp_doc *doc = load("Resources:\n  A:\n    Value: !GetAtt Db.Endpoint.Address\n    List: !Join ['-', [a, !Ref B]]\n"
                       "    Quoted: \"5\"\n    Plain: 5\n",
                       &d);
    CHECK(doc != NULL);
    CHECK_INT(d.n, 0);
    if (!doc)
        return;
    const dp_node *a = dp_node_get(dp_node_get(doc->root, "Resources"), "A");
    CHECK(a != NULL);
    const dp_pair *vp = dp_node_get_pair(a, "Value");
    CHECK_INT(vp->line, 3);
    CHECK_INT(vp->col, 5);
    const dp_node *arg = NULL;
    CHECK_STR(dp_node_intrinsic(vp->value, &arg), "Fn::GetAtt");
    CHECK_INT(arg->kind, DP_N_SEQ);
    CHECK_STR(arg->items[0]->str, "Db");
    CHECK_STR(arg->items[1]->str, "Endpoint.Address");
    CHECK_INT(vp->value->line, 3);
    CHECK_INT(vp->value->col, 12);
    const dp_node *list = dp_node_get(a, "List");
    CHECK_STR(dp_node_intrinsic(list, &arg), "Fn::Join");
    CHECK_STR(dp_node_intrinsic(arg->items[1]->items[1], NULL), "Ref");
    CHECK(!dp_node_get(a, "Quoted")->plain);
    CHECK(dp_node_is_number(dp_node_get(a, "Plain"), NULL));
    CHECK(!dp_node_is_number(dp_node_get(a, "Quoted"), NULL));
    dp_doc_free(doc);
    dp_diags_cleanup(&d);
}

static void test_scalars(void)
{
    dp_diags d;
    dp_doc *doc = load("[0123, 1.5, -2, true, False, ~, '', 1e3, 0x1F, .5]", &d);
    CHECK(doc != NULL);
    const dp_node *r = doc->root;
    long long iv;
    CHECK(!dp_node_is_number(r->items[0], NULL)); /* leading zero keeps a string */
    CHECK(dp_node_is_number(r->items[1], NULL));
    CHECK(dp_node_is_integer(r->items[2], &iv) && iv == -2);
    bool b = false;
    CHECK(dp_node_is_bool(r->items[3], &b) && b);
    CHECK(dp_node_is_bool(r->items[4], &b) && !b);
    CHECK(dp_node_is_null(r->items[5]));
    CHECK(!dp_node_is_null(r->items[6])); /* quoted empty string is a string */
    CHECK(dp_node_is_number(r->items[7], NULL));
    CHECK(!dp_node_is_number(r->items[8], NULL));
    CHECK(!dp_node_is_number(r->items[9], NULL));
    dp_doc_free(doc);
    dp_diags_cleanup(&d);
}

static void test_limits(void)
{
    dp_diags d;
    /* Size: one byte over 4 MiB. */
    size_t n = DP_LOAD_MAX_BYTES + 1;
    char *big = malloc(n);
    memset(big, '#', n);
    dp_diags_init(&d);
    CHECK(dp_load_buf("big.yaml", big, n, &d) == NULL);
    CHECK_INT(d.errors, 1);
    CHECK(strstr(d.v[0].msg, "larger than 4 MiB") != NULL);
    dp_diags_cleanup(&d);
    free(big);
    /* Depth. */
    char deep[400];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    CHECK(load(deep, &d) == NULL);
    CHECK(strstr(d.v[0].msg, "deeper than 64") != NULL);
    dp_diags_cleanup(&d);
    /* 64 levels are fine. */
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    dp_doc *ok = load(deep, &d);
    CHECK(ok != NULL);
    dp_doc_free(ok);
    dp_diags_cleanup(&d);
    /* Unknown anchor. */
    CHECK(load("a: *nope", &d) == NULL);
    CHECK_INT(d.errors, 1);
    dp_diags_cleanup(&d);
}

static void test_duplicates_large_map(void)
{
    /* Big maps use a hash set for duplicate detection: same result. */
    dp_buf b;
    dp_buf_init(&b, 0);
    for (int i = 0; i < 40; i++)
        dp_buf_printf(&b, "k%d: %d\n", i, i);
    dp_buf_puts(&b, "k7: again\n");
    dp_diags d;
    dp_doc *doc = load(dp_buf_str(&b), &d);
    CHECK(doc != NULL);
    CHECK_INT(d.errors, 1);
    CHECK_INT(d.v[0].line, 41);
    CHECK_STR(d.v[0].msg, "duplicate key \"k7\"");
    CHECK_INT(doc->root->n, 40);
    CHECK_STR(dp_node_get(doc->root, "k7")->str, "7"); /* the first wins */
    dp_doc_free(doc);
    dp_diags_cleanup(&d);
    dp_buf_cleanup(&b);
}

static void test_file(void)
{
    dp_diags d;
    dp_diags_init(&d);
    CHECK(dp_load_file("/nonexistent/t.yaml", &d) == NULL);
    CHECK_INT(d.errors, 1);
    CHECK(strstr(d.v[0].msg, "cannot open") != NULL);
    dp_diags_cleanup(&d);
}

int main(void)
{
    test_positions_and_tags();
    test_scalars();
    test_limits();
    test_duplicates_large_map();
    test_file();
    CHECK_DONE();
}
