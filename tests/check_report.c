/*
 * check_report.c - output/report.c: the page parses as XML (it is written as polyglot XHTML5),
 * holds what it was given (facts, the ladder bytes, every metric cell), escapes scenario text,
 * fetches nothing, and draws its charts at coordinates computed here by hand from the geometry
 * in report.c (plot area x 56..704, y 36..220 for line charts; bars from x 120, 524 px wide).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <check.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "output/metrics.h"
#include "output/report.h"

/* A summary for model LABEL with every mean MEAN and half width HALF, the series given. */
static void summary_fill(struct metrics_summary *s, const char *label, double mean, double half,
			 const double *mgi, const double *mps, size_t n_seconds)
{
	size_t n = metrics_count();

	memset(s, 0, sizeof(*s));
	s->label = g_strdup(label);
	s->n = isnan(half) ? 1 : 5;
	s->mean = g_new(double, n);
	s->half = g_new(double, n);
	for (size_t k = 0; k < n; k++) {
		s->mean[k] = mean;
		s->half[k] = half;
	}
	s->n_seconds = n_seconds;
	s->mgi_series = g_memdup2(mgi, n_seconds * sizeof(double));
	s->mps_series = g_memdup2(mps, n_seconds * sizeof(double));
}

static void summary_set(struct metrics_summary *s, const char *name, double mean)
{
	size_t k = metrics_find(name);

	ck_assert_uint_lt(k, metrics_count());
	s->mean[k] = mean;
}

/* The fixture: one model by default; tests change what they need before rendering. */
static const double mgi4[] = { 0, 1, 1, 0 };
static const double mps4[] = { 0, 0, 0, 0 };
static const struct report_fact facts[] = {
	{ "scenario file", "a&b<c>.xml" }, { "OS model", "OS7100" }, { "seed", "7" },
};
static const struct report_model models[] = {
	{ "OS7030", 16, 8 }, { "OS7100", 56, 16 }, { "OS7400", 480, 64 },
};
static const char svg_bytes[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10pt\" "
				"height=\"20pt\"><text>INVITE &amp; more</text></svg>";

static struct metrics_summary sums[3];
static struct report_in in;
static GBytes *svg;

static void setup(void)
{
	summary_fill(&sums[0], "OS7100", 0, NAN, mgi4, mps4, 4);
	summary_set(&sums[0], "mgi.capacity", 2);
	summary_set(&sums[0], "mps.capacity", 16);
	summary_set(&sums[0], "calls.answered", 2);
	summary_set(&sums[0], "mps.max", 3);
	summary_fill(&sums[1], "OS7400", 0, 0.5, mgi4, mps4, 4);
	summary_set(&sums[1], "calls.answered", 1);
	summary_fill(&sums[2], "OS<7030>", 0, NAN, mgi4, mps4, 4);
	sums[2].note = g_strdup("the SIP-STN cards give 20 ports & the OS7030 takes 16 (CAP-01)");
	svg = g_bytes_new_static(svg_bytes, strlen(svg_bytes));
	in = (struct report_in){
		.title = "office <A&B>", .description = "two \"calls\"", .generator = "ossim test",
		.facts = facts, .n_facts = G_N_ELEMENTS(facts), .ladder_svg = svg,
		.ladder_text = "# x\n  0.000 |<--180 & co--|\n", .sum = sums, .n_sum = 1,
		.models = models, .n_models = G_N_ELEMENTS(models), .sip_phones = 20,
	};
}

static void teardown(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(sums); i++)
		metrics_summary_clear(&sums[i]);
	g_bytes_unref(svg);
}

/* The page for IN, parsed; asserts it is well-formed XML. */
static xmlDocPtr render(GString **text)
{
	GString *out = g_string_new("");
	xmlDocPtr doc;

	report_write_html(&in, out);
	doc = xmlReadMemory(out->str, (int)out->len, "report.html", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ck_assert_msg(doc != NULL, "the report is not well-formed XML");
	if (text != NULL)
		*text = out;
	else
		g_string_free(out, TRUE);
	return doc;
}

/* The string value of XPath EXPR (namespace prefix h: XHTML, s: SVG), g_free it. */
static char *xstr(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *r;

	xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
	xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	{
		xmlChar *v = xmlXPathCastToString(o);

		r = g_strdup((const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return r;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xstr(doc, expr);

	ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", expr, got, want);
	g_free(got);
}

START_TEST(test_summary_escaped)
{
	xmlDocPtr doc;
	GString *text;

	/* given a title and description with markup characters, when rendered, then they come
	   back as text and the page still parses */
	doc = render(&text);
	assert_xpath(doc, "string(/h:html/h:head/h:title)", "ossim report: office <A&B>");
	assert_xpath(doc, "string(//h:h1)", "office <A&B>");
	assert_xpath(doc, "string(//h:p[@class='description'])", "two \"calls\"");
	ck_assert_ptr_nonnull(strstr(text->str, "office &lt;A&amp;B&gt;"));
	/* the facts, in order */
	assert_xpath(doc, "string(count(//h:table[@class='facts']/h:tbody/h:tr))", "3");
	assert_xpath(doc, "string(//h:table[@class='facts']/h:tbody/h:tr[1]/h:td)", "a&b<c>.xml");
	ck_assert_ptr_nonnull(strstr(text->str, "<td>a&amp;b&lt;c&gt;.xml</td>"));
	assert_xpath(doc, "string(//h:table[@class='facts']/h:tbody/h:tr[2]/h:th)", "OS model");
	assert_xpath(doc, "string(//h:table[@class='facts']/h:tbody/h:tr[3]/h:td)", "7");
	assert_xpath(doc, "string(//h:footer)",
		     "Written by ossim test. The same command (scenario, seed, models, "
		     "replications, calls) gives this page byte for byte.");
	ck_assert(g_str_has_prefix(text->str, "<!DOCTYPE html>\n"));
	g_string_free(text, TRUE);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_ladder_embedded)
{
	xmlDocPtr doc = render(NULL);
	char *src = xstr(doc, "string(//h:img[@class='ladder']/@src)");
	const char *prefix = "data:image/svg+xml;base64,";
	gsize len;
	guchar *bytes;

	/* given the ladder's SVG, then the page holds exactly those bytes as a data: URI */
	ck_assert(g_str_has_prefix(src, prefix));
	bytes = g_base64_decode(src + strlen(prefix), &len);
	ck_assert_uint_eq(len, strlen(svg_bytes));
	ck_assert(memcmp(bytes, svg_bytes, len) == 0);
	/* and the text ladder, folded away */
	assert_xpath(doc, "string(//h:details/h:pre)", "# x\n  0.000 |<--180 & co--|\n");
	g_free(bytes);
	g_free(src);
	xmlFreeDoc(doc);

	/* given no picture, then no image but a note saying so */
	in.ladder_svg = NULL;
	doc = render(NULL);
	assert_xpath(doc, "string(count(//h:img))", "0");
	assert_xpath(doc, "string(//h:h2[@id='ladder']/following-sibling::h:p[1])",
		     "No ladder picture was drawn.");
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_nothing_fetched)
{
	xmlDocPtr doc;

	/* given any report, then no attribute points outside the page: images are data: URIs,
	   no scripts, links or style sheets */
	in.n_sum = 3;
	doc = render(NULL);
	assert_xpath(doc, "string(count(//@src[not(starts-with(., 'data:'))]))", "0");
	assert_xpath(doc, "string(count(//@href | //h:script | //h:link | //h:iframe | //h:object |"
			  " //h:embed))", "0");
	/* and no style fetches anything (url(), @import) */
	assert_xpath(doc, "string(count((//h:style | //@style)[contains(., 'url(') or "
			  "contains(., '@import')]))", "0");
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_metrics_table)
{
	xmlDocPtr doc;
	char *want;

	/* given three models, one that could not run and one with replications, then a row per
	   metric, a column per model, cells as metrics_cell writes them */
	in.n_sum = 3;
	doc = render(NULL);
	want = g_strdup_printf("%zu", metrics_count());
	assert_xpath(doc, "string(count(//h:table[@class='metrics']/h:tbody/h:tr))", want);
	assert_xpath(doc, "string(count(//h:table[@class='metrics']/h:thead/h:tr/h:th))", "5");
	assert_xpath(doc, "string(//h:table[@class='metrics']/h:thead/h:tr/h:th[4])", "OS<7030>");
	/* calls answered: 2 on OS7100, 1 +/- 0.5 on OS7400, "-" on OS7030 */
	assert_xpath(doc, "string(//h:tr[h:td/h:code='calls.answered']/h:td[1])", "2");
	assert_xpath(doc, "string(//h:tr[h:td/h:code='calls.answered']/h:td[2])", "1 +/- 0.5");
	assert_xpath(doc, "string(//h:tr[h:td/h:code='calls.answered']/h:td[3])", "-");
	/* a cause row is indented (class sub), its label without the leading blanks */
	assert_xpath(doc, "string(//h:tr[h:td/h:code='calls.failed.busy']/@class)", "sub");
	assert_xpath(doc, "string(//h:tr[h:td/h:code='calls.failed.busy']/h:th)", "busy");
	assert_xpath(doc, "string(//h:p[@class='note'][1])",
		     "OS<7030> did not run: the SIP-STN cards give 20 ports & the OS7030 takes 16 "
		     "(CAP-01).");
	g_free(want);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_occupancy_chart)
{
	xmlDocPtr doc = render(NULL);

	/* given MGI levels 0,1,1,0 over 4 s and capacity 2: the x axis runs 0..4 s over 648 px
	   (162 px a second), the y axis 0..2 over 184 px (92 px a port), so the step line is: */
	assert_xpath(doc, "string(//s:svg[@id='chart-mgi']/s:path[@class='series']/@d)",
		     "M56.0 220.0H218.0V128.0H380.0H542.0V220.0H704.0");
	assert_xpath(doc, "string(//s:svg[@id='chart-mgi']/s:line[@class='capacity']/@y1)",
		     "36.0");
	/* MPS: all zero, capacity 16: axis 0..20 in steps of 5 (5 grid lines + zero) */
	assert_xpath(doc, "string(//s:svg[@id='chart-mps']/s:path[@class='series']/@d)",
		     "M56.0 220.0H218.0H380.0H542.0H704.0");
	assert_xpath(doc, "string(//s:svg[@id='chart-mps']/s:line[@class='capacity']/@y1)",
		     "72.8");
	assert_xpath(doc, "string(count(//s:svg[@id='chart-mps']/s:text[.='20']))", "1");
	assert_xpath(doc, "string(//h:ul[@class='legend'][1]/h:li)",
		     "OS7100: capacity 2 (dashed)");
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_capacity_comparison)
{
	xmlDocPtr doc = render(NULL);

	/* given one model that ran, then every OS model's capacity as a bar against this run's
	   demand: stations 16, 56, 480 against 20 phones; axis 0..500 over 524 px */
	assert_xpath(doc, "string(count(//s:svg[@id='chart-capacity-stations']/s:rect))", "3");
	assert_xpath(doc, "string(//s:svg[@id='chart-capacity-stations']/s:rect[3]/@width)",
		     "503.0");
	assert_xpath(doc, "string(//s:svg[@id='chart-capacity-stations']/s:line"
			  "[@class='reference']/@x1)", "141.0");
	/* the model that ran is coloured, the others grey */
	assert_xpath(doc, "string(//s:svg[@id='chart-capacity-stations']/s:rect[2]/@fill)",
		     "#0072b2");
	assert_xpath(doc, "string(//s:svg[@id='chart-capacity-stations']/s:rect[1]/@fill)",
		     "#bbbbbb");
	/* MPS: 8, 16, 64 channels against this run's peak of 3 */
	assert_xpath(doc, "string(//s:svg[@id='chart-capacity-mps']/s:text[@fill])",
		     "MPS channels in use, maximum: 3");
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_model_comparison)
{
	xmlDocPtr doc;

	/* given three models (one could not run), then panels of the two that ran: calls
	   answered 2 and 1 +/- 0.5 on an axis 0..2 (524 px) */
	in.n_sum = 3;
	doc = render(NULL);
	assert_xpath(doc, "string(count(//s:svg[@class='chart']))", "6");
	assert_xpath(doc, "string(count(//s:svg[@id='chart-calls-answered']/s:rect))", "2");
	assert_xpath(doc, "string(//s:svg[@id='chart-calls-answered']/s:rect[1]/@width)",
		     "524.0");
	assert_xpath(doc, "string(//s:svg[@id='chart-calls-answered']/s:rect[2]/@width)",
		     "262.0");
	/* the whisker of 1 +/- 0.5 on the second row (y 62..88): from x 251 to 513 */
	assert_xpath(doc, "string(//s:svg[@id='chart-calls-answered']/s:path[@class='ci']/@d)",
		     "M251.0 70V80M251.0 75H513.0M513.0 70V80");
	/* MGI peak panel: the capacity tick of OS7100 at 2 */
	assert_xpath(doc, "string(count(//s:svg[@id='chart-mgi-max']/s:path[@class='mark']))",
		     "2");
	/* occupancy charts: a line for each model that ran */
	assert_xpath(doc, "string(count(//s:svg[@id='chart-mgi']/s:path[@class='series']))",
		     "2");
	xmlFreeDoc(doc);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_summary_escaped);
	tcase_add_test(tc, test_ladder_embedded);
	tcase_add_test(tc, test_nothing_fetched);
	tcase_add_test(tc, test_metrics_table);
	tcase_add_test(tc, test_occupancy_chart);
	tcase_add_test(tc, test_capacity_comparison);
	tcase_add_test(tc, test_model_comparison);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
