/*
 * check_dialog.c - Check tests for SIP dialogs (models/sip/dialog.c, RFC 3261 section 12):
 * creation on both sides, the route set's order, CSeq bookkeeping, the in-dialog request builder
 * (strict and loose routing), target refresh and dialog matching. Messages are RFC 3665-style
 * text (Alice at atlanta calls Bob at biloxi through proxies ss1 and ss2 that record-route).
 * The 2xx retransmission of dialog.c runs on the network in check_txn.c.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "models/sip/build.h"
#include "models/sip/dialog.h"
#include "models/sip/msg.h"

/* Parses TEXT written with "\n" line ends (turned into CRLF). */
static struct sip_msg *parse(const char *text)
{
	GString *s = g_string_new(NULL);
	struct sip_msg *m = NULL;
	GBytes *b;

	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			g_string_append_c(s, '\r');
		g_string_append_c(s, *p);
	}
	b = g_bytes_new(s->str, s->len);
	g_string_free(s, TRUE);
	ck_assert_int_eq(sip_msg_parse(&m, b), 0);
	g_bytes_unref(b);
	return m;
}

/* Alice's INVITE as Bob receives it: two Record-Routes, ss2 (added last) on top. */
static const char invite_txt[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1\n"
	"Via: SIP/2.0/UDP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1\n"
	"Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
	"Max-Forwards: 68\n"
	"Record-Route: <sip:ss2.biloxi.example.com;lr>\n"
	"Record-Route: <sip:ss1.atlanta.example.com;lr>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@client.atlanta.example.com;transport=udp>\n"
	"Content-Length: 0\n"
	"\n";

/* Bob's 180 / 200 as Alice receives them (Record-Route copied in request order). */
#define RESP_TXT(status) \
	"SIP/2.0 " status "\n" \
	"Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n" \
	"Record-Route: <sip:ss2.biloxi.example.com;lr>\n" \
	"Record-Route: <sip:ss1.atlanta.example.com;lr>\n" \
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n" \
	"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n" \
	"Call-ID: 3848276298220188511@atlanta.example.com\n" \
	"CSeq: 1 INVITE\n" \
	"Contact: <sip:bob@client.biloxi.example.com>\n" \
	"Content-Length: 0\n" \
	"\n"

static const struct sip_dialog_via via_a = { "UDP", "client.atlanta.example.com", 5060,
					     "z9hG4bKnew1", false };

/* Builds and parses a request from dialog D. */
static struct sip_msg *in_dialog(struct sip_dialog *d, enum sip_method m)
{
	struct sip_build *b = sip_dialog_request(d, m, NULL, &via_a);
	GBytes *bytes;
	struct sip_msg *msg = NULL;

	ck_assert_ptr_nonnull(b);
	bytes = sip_build_finish(b, NULL, NULL, 0);
	ck_assert_int_eq(sip_msg_parse(&msg, bytes), 0);
	g_bytes_unref(bytes);
	return msg;
}

/* The I-th value of header ID in MSG as a new string. */
static char *hdr_at(const struct sip_msg *msg, enum sip_hdr id, int i)
{
	struct sip_hdr_iter it;
	struct sip_pl v;

	sip_hdr_iter_init(&it, msg, id);
	while (sip_hdr_iter_next(&it, &v))
		if (i-- == 0)
			return sip_pl_dup(v);
	return NULL;
}

START_TEST(test_uac_early_then_confirmed)
{
	/* given Alice's INVITE and Bob's 180 with a To tag */
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *r180 = parse(RESP_TXT("180 Ringing"));
	struct sip_msg *r200 = parse(RESP_TXT("200 OK"));
	struct sip_dialog *d = NULL;

	/* when Alice's side creates the dialog from them */
	ck_assert_int_eq(sip_dialog_new_uac(&d, inv, r180), 0);

	/* then it is early, with the IDs, CSeqs, target and the reversed route set of 12.1.2 */
	ck_assert_int_eq(sip_dialog_state(d), SIP_DIALOG_EARLY);
	ck_assert(sip_dialog_is_uac(d));
	ck_assert_str_eq(sip_dialog_call_id(d), "3848276298220188511@atlanta.example.com");
	ck_assert_str_eq(sip_dialog_local_tag(d), "9fxced76sl");
	ck_assert_str_eq(sip_dialog_remote_tag(d), "8321234356");
	ck_assert_uint_eq(sip_dialog_local_cseq(d), 1);
	ck_assert_int_eq(sip_dialog_remote_cseq(d), -1);
	ck_assert_str_eq(sip_dialog_remote_target(d), "sip:bob@client.biloxi.example.com");
	ck_assert_str_eq(sip_dialog_local_uri(d), "sip:alice@atlanta.example.com");
	ck_assert_str_eq(sip_dialog_remote_uri(d), "sip:bob@biloxi.example.com");
	ck_assert_uint_eq(sip_dialog_route_count(d), 2);
	ck_assert_str_eq(sip_dialog_route_at(d, 0), "<sip:ss1.atlanta.example.com;lr>");
	ck_assert_str_eq(sip_dialog_route_at(d, 1), "<sip:ss2.biloxi.example.com;lr>");
	ck_assert(sip_dialog_match_response(d, r180));

	/* and the 200 confirms it */
	ck_assert_int_eq(sip_dialog_receive_response(d, r200), 0);
	ck_assert_int_eq(sip_dialog_state(d), SIP_DIALOG_CONFIRMED);
	ck_assert_str_eq(sip_dialog_state_name(sip_dialog_state(d)), "confirmed");
	sip_dialog_free(d);
	sip_msg_unref(inv);
	sip_msg_unref(r180);
	sip_msg_unref(r200);
}
END_TEST

START_TEST(test_uac_in_dialog_requests)
{
	/* given Alice's confirmed dialog */
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *r200 = parse(RESP_TXT("200 OK"));
	struct sip_dialog *d = NULL;
	struct sip_msg *bye, *info;
	char *r0, *r1;

	ck_assert_int_eq(sip_dialog_new_uac(&d, inv, r200), 0);
	ck_assert_int_eq(sip_dialog_state(d), SIP_DIALOG_CONFIRMED);

	/* when she builds a BYE, then an INFO */
	bye = in_dialog(d, SIP_METHOD_BYE);
	info = in_dialog(d, SIP_METHOD_INFO);

	/* then the BYE goes to the remote target through ss1 then ss2 (12.2.1.1), with her tag in
	 * From, Bob's in To, the Call-ID, CSeq 2; the INFO has CSeq 3 */
	ck_assert(sip_pl_eq_str(sip_msg_ruri(bye)->raw, "sip:bob@client.biloxi.example.com"));
	ck_assert_uint_eq(sip_msg_hdr_count(bye, SIP_HDR_ROUTE), 2);
	r0 = hdr_at(bye, SIP_HDR_ROUTE, 0);
	r1 = hdr_at(bye, SIP_HDR_ROUTE, 1);
	ck_assert_str_eq(r0, "<sip:ss1.atlanta.example.com;lr>");
	ck_assert_str_eq(r1, "<sip:ss2.biloxi.example.com;lr>");
	g_free(r0);
	g_free(r1);
	ck_assert(sip_pl_eq_str(sip_msg_from(bye)->tag, "9fxced76sl"));
	ck_assert(sip_pl_eq_str(sip_msg_to(bye)->tag, "8321234356"));
	ck_assert(sip_pl_eq_str(sip_msg_callid(bye), "3848276298220188511@atlanta.example.com"));
	ck_assert_uint_eq(sip_msg_cseq(bye)->num, 2);
	ck_assert_int_eq(sip_msg_cseq(bye)->method, SIP_METHOD_BYE);
	ck_assert(sip_pl_eq_str(sip_msg_via(bye)->branch, "z9hG4bKnew1"));
	ck_assert_uint_eq(sip_msg_cseq(info)->num, 3);
	ck_assert_uint_eq(sip_dialog_local_cseq(d), 3);

	/* and the ACK for the 2xx keeps the INVITE's CSeq number, leaving the counter alone */
	GBytes *ab = sip_build_finish(sip_dialog_ack(d, 1, &via_a), NULL, NULL, 0);
	struct sip_msg *ack = NULL;

	ck_assert_int_eq(sip_msg_parse(&ack, ab), 0);
	ck_assert_uint_eq(sip_msg_cseq(ack)->num, 1);
	ck_assert_int_eq(sip_msg_cseq(ack)->method, SIP_METHOD_ACK);
	ck_assert_uint_eq(sip_dialog_local_cseq(d), 3);
	ck_assert_ptr_null(sip_dialog_request(d, SIP_METHOD_ACK, NULL, &via_a));
	sip_msg_unref(ack);
	g_bytes_unref(ab);
	sip_msg_unref(bye);
	sip_msg_unref(info);
	sip_dialog_free(d);
	sip_msg_unref(inv);
	sip_msg_unref(r200);
}
END_TEST

START_TEST(test_uas_dialog_and_requests)
{
	/* given Bob's side: the INVITE received and the 200 he sends */
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *r200 = parse(RESP_TXT("200 OK"));
	struct sip_dialog *d = NULL;
	struct sip_msg *bye;
	char *r0;

	/* when he creates the dialog */
	ck_assert_int_eq(sip_dialog_new_uas(&d, inv, r200), 0);

	/* then the route set keeps the request's order (12.1.1), the target is Alice's Contact,
	 * the remote CSeq is the INVITE's and his own starts empty */
	ck_assert_int_eq(sip_dialog_state(d), SIP_DIALOG_CONFIRMED);
	ck_assert(!sip_dialog_is_uac(d));
	ck_assert_str_eq(sip_dialog_local_tag(d), "8321234356");
	ck_assert_str_eq(sip_dialog_remote_tag(d), "9fxced76sl");
	ck_assert_str_eq(sip_dialog_route_at(d, 0), "<sip:ss2.biloxi.example.com;lr>");
	ck_assert_str_eq(sip_dialog_route_at(d, 1), "<sip:ss1.atlanta.example.com;lr>");
	ck_assert_str_eq(sip_dialog_remote_target(d),
			 "sip:alice@client.atlanta.example.com;transport=udp");
	ck_assert_int_eq(sip_dialog_remote_cseq(d), 1);
	ck_assert_uint_eq(sip_dialog_local_cseq(d), 0);
	ck_assert(sip_dialog_match_request(d, inv) == false);   /* the INVITE had no To tag */

	/* and his BYE: CSeq 1, From = his URI and tag, To = Alice's, route ss2 first */
	bye = in_dialog(d, SIP_METHOD_BYE);
	ck_assert_uint_eq(sip_msg_cseq(bye)->num, 1);
	ck_assert(sip_pl_eq_str(sip_msg_from(bye)->tag, "8321234356"));
	ck_assert(sip_pl_eq_str(sip_msg_from(bye)->uri.raw, "sip:bob@biloxi.example.com"));
	ck_assert(sip_pl_eq_str(sip_msg_to(bye)->tag, "9fxced76sl"));
	ck_assert(sip_pl_eq_str(sip_msg_ruri(bye)->raw,
				"sip:alice@client.atlanta.example.com;transport=udp"));
	r0 = hdr_at(bye, SIP_HDR_ROUTE, 0);
	ck_assert_str_eq(r0, "<sip:ss2.biloxi.example.com;lr>");
	g_free(r0);
	sip_msg_unref(bye);
	sip_dialog_free(d);
	sip_msg_unref(inv);
	sip_msg_unref(r200);
}
END_TEST

/* Alice's re-INVITE (CSeq 2, a new Contact) as Bob receives it. */
static const char reinvite_txt[] =
	"INVITE sip:bob@client.biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKre2\n"
	"Max-Forwards: 70\n"
	"Route: <sip:ss2.biloxi.example.com;lr>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\n"
	"CSeq: %u INVITE\n"
	"Contact: <sip:alice@192.0.2.99:5062>\n"
	"Content-Length: 0\n"
	"\n";

START_TEST(test_target_refresh_and_cseq_order)
{
	/* given Bob's confirmed dialog */
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *r200 = parse(RESP_TXT("200 OK"));
	struct sip_dialog *d = NULL;
	char *txt = g_strdup_printf(reinvite_txt, 2u);
	struct sip_msg *re2 = parse(txt);
	struct sip_msg *re1;

	g_free(txt);
	txt = g_strdup_printf(reinvite_txt, 1u);
	re1 = parse(txt);
	g_free(txt);
	ck_assert_int_eq(sip_dialog_new_uas(&d, inv, r200), 0);

	/* when Alice's re-INVITE (CSeq 2, new Contact) arrives */
	ck_assert(sip_dialog_match_request(d, re2));
	ck_assert_int_eq(sip_dialog_receive_request(d, re2), 0);

	/* then the remote target follows the new Contact and the remote CSeq is 2 */
	ck_assert_str_eq(sip_dialog_remote_target(d), "sip:alice@192.0.2.99:5062");
	ck_assert_int_eq(sip_dialog_remote_cseq(d), 2);
	/* but the route set does not change (12.2.2) */
	ck_assert_uint_eq(sip_dialog_route_count(d), 2);

	/* and an older CSeq is out of order (500) */
	ck_assert_int_eq(sip_dialog_receive_request(d, re1), EPROTO);
	ck_assert_int_eq(sip_dialog_remote_cseq(d), 2);
	sip_dialog_free(d);

	/* and on the UAC side, the 200 to a re-INVITE with a new Contact refreshes the target */
	struct sip_msg *inv_a = parse(invite_txt);
	struct sip_msg *r200b = parse(
		"SIP/2.0 200 OK\n"
		"Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bKre3\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\n"
		"CSeq: 2 INVITE\n"
		"Contact: <sip:bob@198.51.100.7>\n"
		"Content-Length: 0\n"
		"\n");

	ck_assert_int_eq(sip_dialog_new_uac(&d, inv_a, r200), 0);
	ck_assert_int_eq(sip_dialog_receive_response(d, r200b), 0);
	ck_assert_str_eq(sip_dialog_remote_target(d), "sip:bob@198.51.100.7");
	sip_dialog_free(d);
	sip_msg_unref(inv_a);
	sip_msg_unref(r200b);
	sip_msg_unref(re1);
	sip_msg_unref(re2);
	sip_msg_unref(inv);
	sip_msg_unref(r200);
}
END_TEST

START_TEST(test_strict_router)
{
	/* given a 200 whose only Record-Route is a strict router (no ;lr, RFC 2543) */
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *r200 = parse(
		"SIP/2.0 200 OK\n"
		"Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
		"Record-Route: <sip:strict.example.com>\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\n"
		"CSeq: 1 INVITE\n"
		"Contact: <sip:bob@client.biloxi.example.com>\n"
		"Content-Length: 0\n"
		"\n");
	struct sip_dialog *d = NULL;
	struct sip_msg *bye;
	char *r0;

	ck_assert_int_eq(sip_dialog_new_uac(&d, inv, r200), 0);
	/* when Alice builds a BYE */
	bye = in_dialog(d, SIP_METHOD_BYE);
	/* then the Request-URI is the strict router and the remote target is the last Route
	 * (12.2.1.1) */
	ck_assert(sip_pl_eq_str(sip_msg_ruri(bye)->raw, "sip:strict.example.com"));
	ck_assert_uint_eq(sip_msg_hdr_count(bye, SIP_HDR_ROUTE), 1);
	r0 = hdr_at(bye, SIP_HDR_ROUTE, 0);
	ck_assert_str_eq(r0, "<sip:bob@client.biloxi.example.com>");
	g_free(r0);
	sip_msg_unref(bye);
	sip_dialog_free(d);
	sip_msg_unref(inv);
	sip_msg_unref(r200);
}
END_TEST

/* Responses that create no dialog, and why. */
struct bad_row {
	const char *resp;
	int err;
};

static const struct bad_row bad_rows[] = {
	/* 100 never creates a dialog */
	{ "SIP/2.0 100 Trying\n"
	  "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
	  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	  "To: Bob <sip:bob@biloxi.example.com>;tag=x\n"
	  "Call-ID: 3848276298220188511@atlanta.example.com\n"
	  "CSeq: 1 INVITE\n"
	  "Content-Length: 0\n\n", EINVAL },
	/* a 180 without a To tag */
	{ "SIP/2.0 180 Ringing\n"
	  "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
	  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	  "To: Bob <sip:bob@biloxi.example.com>\n"
	  "Call-ID: 3848276298220188511@atlanta.example.com\n"
	  "CSeq: 1 INVITE\n"
	  "Content-Length: 0\n\n", EINVAL },
	/* a final failure */
	{ "SIP/2.0 486 Busy Here\n"
	  "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
	  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	  "To: Bob <sip:bob@biloxi.example.com>;tag=x\n"
	  "Call-ID: 3848276298220188511@atlanta.example.com\n"
	  "CSeq: 1 INVITE\n"
	  "Content-Length: 0\n\n", EINVAL },
	/* a 200 of another call */
	{ "SIP/2.0 200 OK\n"
	  "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
	  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	  "To: Bob <sip:bob@biloxi.example.com>;tag=x\n"
	  "Call-ID: other@atlanta.example.com\n"
	  "CSeq: 1 INVITE\n"
	  "Content-Length: 0\n\n", EPROTO },
};

START_TEST(test_no_dialog_from)
{
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *resp = parse(bad_rows[_i].resp);
	struct sip_dialog *d = NULL;

	ck_assert_int_eq(sip_dialog_new_uac(&d, inv, resp), bad_rows[_i].err);
	ck_assert_ptr_null(d);
	sip_msg_unref(resp);
	sip_msg_unref(inv);
}
END_TEST

START_TEST(test_matching_and_termination)
{
	/* given Alice's confirmed dialog */
	struct sip_msg *inv = parse(invite_txt);
	struct sip_msg *r200 = parse(RESP_TXT("200 OK"));
	struct sip_msg *r481 = parse(RESP_TXT("481 Call/Transaction Does Not Exist"));
	struct sip_dialog *d = NULL;

	ck_assert_int_eq(sip_dialog_new_uac(&d, inv, r200), 0);
	/* then the dialog ID matches with local/remote in their places, not swapped */
	ck_assert(sip_dialog_match(d, sip_pl_from_str("3848276298220188511@atlanta.example.com"),
				   sip_pl_from_str("9fxced76sl"), sip_pl_from_str("8321234356")));
	ck_assert(!sip_dialog_match(d, sip_pl_from_str("3848276298220188511@atlanta.example.com"),
				    sip_pl_from_str("8321234356"), sip_pl_from_str("9fxced76sl")));
	ck_assert(!sip_dialog_match(d, sip_pl_from_str("x@y"), sip_pl_from_str("9fxced76sl"),
				    sip_pl_from_str("8321234356")));
	/* tags the other way round (Alice's in From): not a request from Bob */
	ck_assert(!sip_dialog_match_request(d, r200));
	/* and a 481 to an in-dialog request ends the dialog (12.2.1.2) */
	ck_assert_int_eq(sip_dialog_receive_response(d, r481), 0);
	ck_assert_int_eq(sip_dialog_state(d), SIP_DIALOG_TERMINATED);
	sip_dialog_free(d);
	sip_msg_unref(inv);
	sip_msg_unref(r200);
	sip_msg_unref(r481);
}
END_TEST

static Suite *dialog_suite(void)
{
	Suite *s = suite_create("dialog");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_uac_early_then_confirmed);
	tcase_add_test(tc, test_uac_in_dialog_requests);
	tcase_add_test(tc, test_uas_dialog_and_requests);
	tcase_add_test(tc, test_target_refresh_and_cseq_order);
	tcase_add_test(tc, test_strict_router);
	tcase_add_loop_test(tc, test_no_dialog_from, 0, G_N_ELEMENTS(bad_rows));
	tcase_add_test(tc, test_matching_and_termination);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dialog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
