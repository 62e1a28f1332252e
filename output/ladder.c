/*
 * ladder.c - the ladder model: lanes and rows built from the trace bus alone (ladder.h).
 *
 * It subscribes to the network's SEND, DELIVER and DROP points, to SIM_TRACE_EVENT notes and to
 * the call server's SIM_TRACE_CALL points.
 * A row is appended when the trace point that creates it happens (a datagram at its SEND, a note
 * at its emission); trace points come in (time, order) order, so appending keeps the rows in
 * time order with ties in event order, and nothing ever needs sorting. A datagram's row learns
 * where it went later, from its DELIVER or DROP (found by packet id); until then it stands as
 * dropped "in flight" towards the address it was sent to, which is what a run that ends first
 * shows.
 *
 * Lanes are kept by name under a stable internal id. Which lanes are drawn, and in which order,
 * depends on all rows (a declared lane shows only once a row uses it; undeclared ones follow in
 * order of first appearance), so that view is computed on demand after a change: it lives behind
 * a pointer (struct ladder_view), which is why the const accessors may refresh it. Hash tables
 * only answer lookups (name -> lane, packet id -> row, bytes already sent); no output ever walks
 * one.
 *
 * Labels come from the bytes through the SIP layer's read-only parser (models/sip/msg.h) and the
 * SDP parser for a re-INVITE's direction; no other model is known here.
 *
 * Calls: the call server's SIM_TRACE_CALL points name each call's parties (caller and callee
 * lanes), the times of its life, and its SIP legs by Call-ID (SIM_CALL_LEG). Rows keep the
 * Call-ID of their bytes; which call a row belongs to is only decided when a view is narrowed
 * (ladder_narrow), because a datagram's row is made at its SEND, before the server, at its
 * delivery, says which call the dialog joined.
 */
#include "config.h"

#include <string.h>

#include "models/sip/msg.h"
#include "models/sip/sdp.h"
#include "output/ladder.h"
#include "output/ladder_priv.h"
#include "sim/net.h"
#include "sim/sim.h"

#define LANE_NONE G_MAXUINT

/* A lane by name. */
struct ladder_lane {
	char *name;
	int decl;               /* place in the declaration order; -1 = never declared */
	int seen;               /* view: order of first appearance in the rows; -1 = in none */
	size_t drawn;           /* view: index among the drawn lanes, or LADDER_NO_LANE */
	bool party;             /* some SIM_TRACE_CALL point named it as a caller or callee */
};

/* A row: the public part renderers read, plus the internal lane ids it is drawn from. */
struct ladder_lrow {
	struct ladder_row pub;  /* from/to/crossed are refreshed by the view */
	guint from, to;         /* internal lane ids */
	guint crossed;          /* LANE_NONE when no NAT was crossed */
	guint sent_to;          /* SIP: the lane the SEND addressed */
	bool resolved;          /* SIP: its DELIVER or DROP has been seen */
	char *label;
	char *drop;             /* SIP: the drop reason (owned); NULL when delivered */
	char *call_id;          /* SIP: the Call-ID of its bytes; NULL for keep-alives, malformed
				   bytes and notes */
	struct ladder_datagram dg;  /* SIP only (dg.data NULL for notes) */
};

/* One call as the call server told it (SIM_TRACE_CALL). */
struct ladder_call {
	uint64_t number;        /* the server's call number (key of ladder.calls) */
	int64_t first, last;    /* times of its first and last point */
	GArray *parties;        /* guint: internal ids of the lanes its points named as caller or
				   callee, each once */
};

/* The drawn lanes, recomputed when dirty (see the file comment). */
struct ladder_view {
	bool dirty;
	GPtrArray *drawn;       /* struct ladder_lane *, in drawing order */
};

struct ladder {
	struct sim *sim;
	struct sim_trace_sub *subs[5];      /* all NULL in a narrowed copy */
	GPtrArray *lanes;       /* struct ladder_lane *, by internal id (first mention order) */
	GHashTable *lane_ids;   /* name -> internal id + 1 (lookup only) */
	GPtrArray *declared;    /* struct ladder_lane *, in declaration order */
	GPtrArray *rows;        /* struct ladder_lrow *, in row order */
	GHashTable *by_packet;  /* &row->pub.packet -> row (lookup only) */
	GHashTable *sent;       /* set of rows, keyed by (proto, src, dst, bytes) (lookup only) */
	GHashTable *calls;      /* &call->number -> struct ladder_call * (owns them; lookup only) */
	GHashTable *call_of;    /* Call-ID (owned) -> the struct ladder_call of its leg (lookup
				   only) */
	uint64_t max_call;      /* the highest call number seen */
	struct ladder_view *view;
};

/* ---- text ---- */

/* A printable copy of S: valid UTF-8, control characters (C0, C1, DEL) turned into spaces. */
char *ladder_clean(const char *s)
{
	char *valid = g_utf8_make_valid(s != NULL ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* Appends slice PL to S (nothing when absent). */
static void ladder_append_pl(GString *s, struct sip_pl pl)
{
	if (sip_pl_isset(pl))
		g_string_append_len(s, pl.p, (gssize)pl.l);
}

/* ---- labels ---- */

/* True when DATA is only CR and LF octets: a keep-alive (RFC 5626 3.5.1, the "double CRLF"). */
static bool ladder_is_keepalive(GBytes *data)
{
	gsize n;
	const guint8 *d = g_bytes_get_data(data, &n);

	for (gsize i = 0; i < n; i++)
		if (d[i] != '\r' && d[i] != '\n')
			return false;
	return n > 0;
}

/*
 * The expiry a REGISTER asks for or its 2xx grants (RFC 3261 10.2.1, 10.3): the first contact's
 * expires parameter, else the Expires header; with a wildcard or no contact, the Expires header.
 * False when neither is given.
 */
static bool ladder_register_expiry(const struct sip_msg *msg, uint32_t *secs)
{
	struct sip_addr c;

	if (sip_msg_contact_at(msg, 0, &c) == 0 && !c.wildcard) {
		/* sip_msg_contact_expires falls back to its default only when neither the param
		   nor the header is there: two different defaults tell whether one was. */
		uint32_t a = sip_msg_contact_expires(msg, &c, 0);

		if (a != sip_msg_contact_expires(msg, &c, 1))
			return false;
		*secs = a;
		return true;
	}
	if (sip_msg_expires(msg) < 0)
		return false;
	*secs = (uint32_t)sip_msg_expires(msg);
	return true;
}

/* Appends a re-INVITE's purpose from the direction of its SDP offer's first audio stream:
   RFC 3264 8.4 holds with sendonly or inactive, RFC 2543 with c=0.0.0.0; sendrecv resumes. */
static void ladder_label_reinvite(const struct sip_msg *msg, GString *s)
{
	struct sip_pl body = sip_msg_body(msg);
	struct sip_sdp *sdp = NULL;
	int i;

	if (body.l == 0 || sip_sdp_parse(&sdp, body.p, body.l, NULL, 0) != 0)
		return;
	i = sip_sdp_first_audio(sdp);
	if (i >= 0) {
		enum sip_sdp_dir dir = sip_sdp_media_dir(sdp, (size_t)i);

		if (dir == SIP_SDP_SENDONLY)
			g_string_append(s, " (hold) sendonly");
		else if (dir == SIP_SDP_INACTIVE)
			g_string_append(s, " (hold) inactive");
		else if (strcmp(sip_sdp_media_addr(sdp, (size_t)i), "0.0.0.0") == 0)
			g_string_append(s, " (hold) 0.0.0.0");
		else if (dir == SIP_SDP_SENDRECV)
			g_string_append(s, " (resume)");
		else
			g_string_append(s, " (recvonly)");
	}
	sip_sdp_free(sdp);
}

/* Appends a request's label: its method as written, and what tells its purpose. */
static void ladder_label_request(const struct sip_msg *msg, GString *s)
{
	const struct sip_uri *ruri = sip_msg_ruri(msg);
	struct sip_pl user = ruri->user;
	uint32_t secs;

	ladder_append_pl(s, sip_msg_method_name(msg));
	switch (sip_msg_method(msg)) {
	case SIP_METHOD_INVITE:
		/* RFC 3261 12.2: a request inside a dialog carries the remote tag in To. */
		if (sip_pl_isset(sip_msg_to(msg)->tag)) {
			ladder_label_reinvite(msg, s);
			break;
		}
		if (ruri->scheme_id == SIP_URI_TEL) {
			/* RFC 3966: the number runs up to its first parameter. */
			const char *semi = memchr(ruri->opaque.p, ';', ruri->opaque.l);

			user.p = ruri->opaque.p;
			user.l = semi != NULL ? (size_t)(semi - ruri->opaque.p) : ruri->opaque.l;
		}
		if (user.l > 0) {
			g_string_append_c(s, ' ');
			ladder_append_pl(s, user);
		}
		break;
	case SIP_METHOD_REGISTER:
		if (sip_pl_isset(sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION)) ||
		    sip_pl_isset(sip_msg_hdr(msg, SIP_HDR_PROXY_AUTHORIZATION)))
			g_string_append(s, " (auth)");
		/* RFC 3261 10.2.2: an expiry of zero removes the binding. */
		if (ladder_register_expiry(msg, &secs) && secs == 0)
			g_string_append(s, " (unregister)");
		break;
	default:
		break;
	}
}

/* Appends a response's label: "<code> <reason as sent>", and a registration's granted expiry. */
static void ladder_label_response(const struct sip_msg *msg, GString *s)
{
	uint16_t code = sip_msg_status(msg);
	struct sip_pl reason = sip_msg_reason(msg);
	uint32_t secs;

	g_string_append_printf(s, "%u", (unsigned)code);
	if (reason.l > 0) {
		g_string_append_c(s, ' ');
		ladder_append_pl(s, reason);
	}
	if (sip_msg_method(msg) == SIP_METHOD_REGISTER && code >= 200 && code < 300 &&
	    ladder_register_expiry(msg, &secs))
		g_string_append_printf(s, " (expires %u)", (unsigned)secs);
}

/* Labels DATA and fills R's request and failure flags and Call-ID; returns whether it is a
   keep-alive. */
static bool ladder_label_sip(struct ladder_lrow *r, GBytes *data)
{
	struct sip_msg *msg = NULL;
	GString *s;

	if (ladder_is_keepalive(data)) {
		r->label = g_strdup("keep-alive");
		return true;
	}
	if (sip_msg_parse(&msg, data) != 0) {
		sip_msg_unref(msg);
		r->label = g_strdup("(malformed)");
		return false;
	}
	if (sip_msg_callid(msg).l > 0)
		r->call_id = g_strndup(sip_msg_callid(msg).p, sip_msg_callid(msg).l);
	s = g_string_new(NULL);
	if (sip_msg_is_request(msg)) {
		r->pub.request = true;
		ladder_label_request(msg, s);
	} else {
		uint16_t code = sip_msg_status(msg);

		/* 401/407 are challenges answered at once, not outcomes. */
		r->pub.failure = code >= 300 && code != 401 && code != 407;
		ladder_label_response(msg, s);
	}
	sip_msg_unref(msg);
	r->label = ladder_clean(s->str);
	g_string_free(s, TRUE);
	return false;
}

/* ---- lanes ---- */

/* The internal id of lane NAME, created on first mention. */
static guint ladder_lane_id(struct ladder *l, const char *name)
{
	gpointer v = g_hash_table_lookup(l->lane_ids, name);
	struct ladder_lane *lane;

	if (v != NULL)
		return GPOINTER_TO_UINT(v) - 1;
	lane = g_new0(struct ladder_lane, 1);
	lane->name = g_strdup(name);
	lane->decl = -1;
	lane->seen = -1;
	lane->drawn = LADDER_NO_LANE;
	g_ptr_array_add(l->lanes, lane);
	g_hash_table_insert(l->lane_ids, lane->name, GUINT_TO_POINTER(l->lanes->len));
	return l->lanes->len - 1;
}

/* The lane of a packet's end: its host's name, else the address as "a.b.c.d:port". */
static guint ladder_lane_of(struct ladder *l, const char *host, const struct sim_addr *a)
{
	char buf[32];

	if (host != NULL)
		return ladder_lane_id(l, host);
	return ladder_lane_id(l, sim_addr_str(a, buf, sizeof(buf)));
}

/* Marks lane ID as used by a row, in first-appearance order (view building). */
static void ladder_view_see(const struct ladder *l, guint id, GPtrArray *seen)
{
	struct ladder_lane *lane;

	if (id == LANE_NONE)
		return;
	lane = g_ptr_array_index(l->lanes, id);
	if (lane->seen < 0) {
		lane->seen = (int)seen->len;
		g_ptr_array_add(seen, lane);
	}
}

/* Recomputes the drawn lanes and the rows' lane indices when something changed. O(rows). */
static void ladder_view_update(const struct ladder *l)
{
	struct ladder_view *v = l->view;
	GPtrArray *seen;

	if (!v->dirty)
		return;
	for (guint i = 0; i < l->lanes->len; i++) {
		struct ladder_lane *lane = g_ptr_array_index(l->lanes, i);

		lane->seen = -1;
		lane->drawn = LADDER_NO_LANE;
	}
	/* First appearance reads each row left to right as drawn: sender, NAT, receiver. */
	seen = g_ptr_array_new();
	for (guint i = 0; i < l->rows->len; i++) {
		struct ladder_lrow *r = g_ptr_array_index(l->rows, i);

		ladder_view_see(l, r->from, seen);
		ladder_view_see(l, r->crossed, seen);
		ladder_view_see(l, r->to, seen);
	}
	g_ptr_array_set_size(v->drawn, 0);
	for (guint i = 0; i < l->declared->len; i++) {
		struct ladder_lane *lane = g_ptr_array_index(l->declared, i);

		if (lane->seen >= 0) {
			lane->drawn = v->drawn->len;
			g_ptr_array_add(v->drawn, lane);
		}
	}
	for (guint i = 0; i < seen->len; i++) {
		struct ladder_lane *lane = g_ptr_array_index(seen, i);

		if (lane->decl < 0) {
			lane->drawn = v->drawn->len;
			g_ptr_array_add(v->drawn, lane);
		}
	}
	g_ptr_array_free(seen, TRUE);
	for (guint i = 0; i < l->rows->len; i++) {
		struct ladder_lrow *r = g_ptr_array_index(l->rows, i);
		struct ladder_lane *from = g_ptr_array_index(l->lanes, r->from);
		struct ladder_lane *to = g_ptr_array_index(l->lanes, r->to);

		r->pub.from = from->drawn;
		r->pub.to = to->drawn;
		r->pub.crossed = r->crossed == LANE_NONE ? LADDER_NO_LANE
			: ((struct ladder_lane *)g_ptr_array_index(l->lanes, r->crossed))->drawn;
	}
	v->dirty = false;
}

/* ---- rows ---- */

/* Hash of a sent datagram's identity for retransmission spotting: proto, addresses, bytes. */
static guint ladder_sent_hash(gconstpointer p)
{
	const struct ladder_lrow *r = p;
	const struct ladder_datagram *d = &r->dg;

	return g_bytes_hash(d->data) ^ (d->src.ip * 31u + d->src.port) * 2654435761u ^
	       (d->dst.ip * 37u + d->dst.port) ^ (guint)d->proto;
}

/* Equality of two sent datagrams' identities. */
static gboolean ladder_sent_equal(gconstpointer a, gconstpointer b)
{
	const struct ladder_datagram *x = &((const struct ladder_lrow *)a)->dg;
	const struct ladder_datagram *y = &((const struct ladder_lrow *)b)->dg;

	return x->proto == y->proto && sim_addr_equal(&x->src, &y->src) &&
	       sim_addr_equal(&x->dst, &y->dst) && g_bytes_equal(x->data, y->data);
}

/* A new row of KIND at TIME, appended. */
static struct ladder_lrow *ladder_row_new(struct ladder *l, enum ladder_row_kind kind,
					  int64_t time)
{
	struct ladder_lrow *r = g_new0(struct ladder_lrow, 1);

	r->pub.kind = kind;
	r->pub.time = time;
	r->pub.crossed = LADDER_NO_LANE;
	r->crossed = LANE_NONE;
	g_ptr_array_add(l->rows, r);
	l->view->dirty = true;
	return r;
}

/* Frees a row. */
static void ladder_row_free(gpointer p)
{
	struct ladder_lrow *r = p;

	g_free(r->label);
	g_free(r->drop);
	g_free(r->call_id);
	if (r->dg.data != NULL)
		g_bytes_unref(r->dg.data);
	g_free(r);
}

/* SEND: a row for every datagram or stream segment that carries bytes. */
static void ladder_on_send(struct ladder *l, int64_t time, const struct sim_net_packet *p)
{
	struct ladder_lrow *r;

	if (p->data == NULL || g_bytes_get_size(p->data) == 0)
		return;
	r = ladder_row_new(l, LADDER_ROW_SIP, time);
	r->from = ladder_lane_of(l, p->src_host, &p->src);
	r->to = r->sent_to = ladder_lane_of(l, p->dst_host, &p->dst);
	r->pub.packet = p->id;
	r->dg.data = g_bytes_ref(p->data);
	r->dg.src = p->src;
	r->dg.dst = p->dst;
	r->dg.proto = p->proto;
	if (!ladder_label_sip(r, p->data)) {
		if (g_hash_table_contains(l->sent, r)) {
			char *s = g_strconcat(r->label, " (retransmission)", NULL);

			g_free(r->label);
			r->label = s;
		} else {
			g_hash_table_add(l->sent, r);
		}
	}
	r->pub.label = r->label;
	r->drop = g_strdup("in flight");
	r->pub.dropped = r->drop;
	g_hash_table_insert(l->by_packet, &r->pub.packet, r);
}

/* DELIVER or DROP (REASON non-NULL): where the datagram of P went. */
static void ladder_on_end(struct ladder *l, const struct sim_net_packet *p, const char *reason)
{
	struct ladder_lrow *r = g_hash_table_lookup(l->by_packet, &p->id);

	if (r == NULL || r->resolved)
		return;
	r->resolved = true;
	if (reason != NULL && strcmp(reason, "loss") == 0) {
		/* Lost on the sender's link: it died on its way to where it was sent. */
		r->to = r->sent_to;
	} else if (reason != NULL && r->crossed != LANE_NONE && p->hook_dropped) {
		/* A middlebox on the path stopped it (its CROSS note came first): the arrow
		   ends there. */
		r->to = r->crossed;
		r->crossed = LANE_NONE;
	} else {
		r->to = ladder_lane_of(l, p->dst_host, &p->dst);
		r->dg.dst = p->dst;
	}
	g_free(r->drop);
	r->drop = g_strdup(reason);
	r->pub.dropped = r->drop;
	l->view->dirty = true;
}

/* SIM_TRACE_EVENT: a note row, or a NAT crossing remembered by its datagram's row. */
static void ladder_on_note(struct ladder *l, int64_t time, const struct sim_trace_note *n)
{
	static const enum ladder_row_kind kinds[] = {
		[SIM_NOTE_ACTION] = LADDER_ROW_ACTION,
		[SIM_NOTE_SIGNAL] = LADDER_ROW_SIGNAL,
		[SIM_NOTE_MEDIA_UP] = LADDER_ROW_MEDIA_UP,
		[SIM_NOTE_MEDIA_DOWN] = LADDER_ROW_MEDIA_DOWN,
	};
	struct ladder_lrow *r;

	if (n->lane == NULL)
		return;
	if (n->kind == SIM_NOTE_CROSS) {
		r = g_hash_table_lookup(l->by_packet, &n->packet);
		if (r != NULL) {
			r->crossed = ladder_lane_id(l, n->lane);
			l->view->dirty = true;
		}
		return;
	}
	if ((size_t)n->kind >= G_N_ELEMENTS(kinds))
		return;
	r = ladder_row_new(l, kinds[n->kind], time);
	r->from = ladder_lane_id(l, n->lane);
	/* A signal or media without a peer can only be drawn on its own lane. */
	r->to = n->kind != SIM_NOTE_ACTION && n->peer != NULL ? ladder_lane_id(l, n->peer)
								: r->from;
	if (n->kind == SIM_NOTE_MEDIA_DOWN) {
		/* The note names the media ("RTP PCMU"); the row says it stops. */
		char *s = g_strconcat(n->text != NULL ? n->text : "", " stops", NULL);

		r->label = ladder_clean(s);
		g_free(s);
	} else {
		r->label = ladder_clean(n->text);
	}
	r->pub.label = r->label;
}

/* ---- calls ---- */

/* Frees a call record. */
static void ladder_call_free(gpointer p)
{
	struct ladder_call *c = p;

	g_array_free(c->parties, TRUE);
	g_free(c);
}

/* The record of call NUMBER, made at TIME on first mention. */
static struct ladder_call *ladder_call_get(struct ladder *l, uint64_t number, int64_t time)
{
	struct ladder_call *c = g_hash_table_lookup(l->calls, &number);

	if (c != NULL)
		return c;
	c = g_new0(struct ladder_call, 1);
	c->number = number;
	c->first = c->last = time;
	c->parties = g_array_new(FALSE, FALSE, sizeof(guint));
	g_hash_table_insert(l->calls, &c->number, c);
	l->max_call = MAX(l->max_call, number);
	return c;
}

/* Whether lane ID is one of C's parties. O(parties): two or three. */
static bool ladder_call_has(const struct ladder_call *c, guint id)
{
	for (guint i = 0; i < c->parties->len; i++)
		if (g_array_index(c->parties, guint, i) == id)
			return true;
	return false;
}

/* Adds lane ID to C's parties and marks it a party lane. */
static void ladder_call_party(struct ladder *l, struct ladder_call *c, guint id)
{
	((struct ladder_lane *)g_ptr_array_index(l->lanes, id))->party = true;
	if (!ladder_call_has(c, id))
		g_array_append_val(c->parties, id);
}

/* SIM_TRACE_CALL: the call's span and parties; a leg's Call-ID joins the call. */
static void ladder_on_call(struct ladder *l, int64_t time, const struct sim_trace_call *t)
{
	struct ladder_call *c;

	if (t->call == 0)
		return;
	c = ladder_call_get(l, t->call, time);
	c->last = time;
	if (t->caller != NULL)
		ladder_call_party(l, c, ladder_lane_id(l, t->caller));
	if (t->callee != NULL)
		ladder_call_party(l, c, ladder_lane_id(l, t->callee));
	/* A Call-ID names one dialog, which belongs to one call: the first claim stands. */
	if (t->event == SIM_CALL_LEG && t->call_id != NULL &&
	    !g_hash_table_contains(l->call_of, t->call_id))
		g_hash_table_insert(l->call_of, g_strdup(t->call_id), c);
}

/* The one trace subscriber, for the five kinds. */
static void ladder_on_trace(const struct sim_trace_point *tp, void *arg)
{
	struct ladder *l = arg;
	const struct sim_net_packet *p = tp->payload;

	switch (tp->kind) {
	case SIM_TRACE_NET_SEND:
		ladder_on_send(l, tp->time, p);
		break;
	case SIM_TRACE_NET_DELIVER:
		ladder_on_end(l, p, NULL);
		break;
	case SIM_TRACE_NET_DROP:
		ladder_on_end(l, p, p->drop_reason != NULL ? p->drop_reason : "dropped");
		break;
	case SIM_TRACE_EVENT:
		ladder_on_note(l, tp->time, tp->payload);
		break;
	case SIM_TRACE_CALL:
		ladder_on_call(l, tp->time, tp->payload);
		break;
	default:
		break;
	}
}

/* ---- public ---- */

/* An empty ladder on no trace bus. */
static struct ladder *ladder_alloc(void)
{
	struct ladder *l = g_new0(struct ladder, 1);

	l->lanes = g_ptr_array_new();
	l->lane_ids = g_hash_table_new(g_str_hash, g_str_equal);
	l->declared = g_ptr_array_new();
	l->rows = g_ptr_array_new_with_free_func(ladder_row_free);
	l->by_packet = g_hash_table_new(g_int64_hash, g_int64_equal);
	l->sent = g_hash_table_new(ladder_sent_hash, ladder_sent_equal);
	l->calls = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, ladder_call_free);
	l->call_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	l->view = g_new0(struct ladder_view, 1);
	l->view->drawn = g_ptr_array_new();
	return l;
}

/* A ladder recording every datagram, note and call point of SIM from now on. */
struct ladder *ladder_new(struct sim *sim)
{
	static const enum sim_trace_kind kinds[] = {
		SIM_TRACE_NET_SEND, SIM_TRACE_NET_DELIVER, SIM_TRACE_NET_DROP, SIM_TRACE_EVENT,
		SIM_TRACE_CALL,
	};
	struct ladder *l = ladder_alloc();

	G_STATIC_ASSERT(G_N_ELEMENTS(kinds) == G_N_ELEMENTS(l->subs));
	l->sim = sim;
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		l->subs[i] = sim_trace_subscribe(sim, kinds[i], ladder_on_trace, l);
	return l;
}

/* Unsubscribes and frees L (before its sim is freed). NULL is fine. */
void ladder_free(struct ladder *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(l->subs); i++)
		if (l->subs[i] != NULL)
			sim_trace_unsubscribe(l->sim, l->subs[i]);
	g_hash_table_destroy(l->call_of);
	g_hash_table_destroy(l->calls);
	g_hash_table_destroy(l->sent);
	g_hash_table_destroy(l->by_packet);
	g_ptr_array_free(l->rows, TRUE);
	g_hash_table_destroy(l->lane_ids);
	for (guint i = 0; i < l->lanes->len; i++) {
		struct ladder_lane *lane = g_ptr_array_index(l->lanes, i);

		g_free(lane->name);
		g_free(lane);
	}
	g_ptr_array_free(l->lanes, TRUE);
	g_ptr_array_free(l->declared, TRUE);
	g_ptr_array_free(l->view->drawn, TRUE);
	g_free(l->view);
	g_free(l);
}

/* Declares lane NAME at the next place; a second declaration keeps the first place. */
void ladder_lane(struct ladder *l, const char *name)
{
	struct ladder_lane *lane;
	guint id;

	g_return_if_fail(l != NULL && name != NULL);
	/* The id first: making a lane may move the array that g_ptr_array_index reads. */
	id = ladder_lane_id(l, name);
	lane = g_ptr_array_index(l->lanes, id);
	if (lane->decl >= 0)
		return;
	lane->decl = (int)l->declared->len;
	g_ptr_array_add(l->declared, lane);
	l->view->dirty = true;
}

/* The number of drawn lanes. */
size_t ladder_lane_count(const struct ladder *l)
{
	ladder_view_update(l);
	return l->view->drawn->len;
}

/* The name of drawn lane I (NULL past the end). */
const char *ladder_lane_at(const struct ladder *l, size_t i)
{
	ladder_view_update(l);
	if (i >= l->view->drawn->len)
		return NULL;
	return ((const struct ladder_lane *)g_ptr_array_index(l->view->drawn, i))->name;
}

/* The number of rows. */
size_t ladder_row_count(const struct ladder *l)
{
	return l->rows->len;
}

/* Row I (NULL past the end), its lane indices up to date. */
const struct ladder_row *ladder_row_at(const struct ladder *l, size_t i)
{
	if (i >= l->rows->len)
		return NULL;
	ladder_view_update(l);
	return &((const struct ladder_lrow *)g_ptr_array_index(l->rows, i))->pub;
}

/* The datagram behind row I, or NULL for a note (or past the end). */
const struct ladder_datagram *ladder_datagram_at(const struct ladder *l, size_t i)
{
	const struct ladder_lrow *r;

	if (i >= l->rows->len)
		return NULL;
	r = g_ptr_array_index(l->rows, i);
	return r->dg.data != NULL ? &r->dg : NULL;
}

/* ---- narrowing ---- */

/* The number of calls the call server numbered: its highest call number seen. */
size_t ladder_call_count(const struct ladder *l)
{
	return (size_t)l->max_call;
}

/* A chosen call while narrowing: its record and its span, widened by its SIP rows. */
struct ladder_pick {
	const struct ladder_call *call;
	int64_t first, last;
};

/* The id in OUT of lane ID of L, made on first use with L's party mark. */
static guint ladder_narrow_lane(struct ladder *out, const struct ladder *l, guint id)
{
	const struct ladder_lane *lane;
	guint nid;

	if (id == LANE_NONE)
		return LANE_NONE;
	lane = g_ptr_array_index(l->lanes, id);
	nid = ladder_lane_id(out, lane->name);
	((struct ladder_lane *)g_ptr_array_index(out->lanes, nid))->party = lane->party;
	return nid;
}

/* Lane ID may be drawn with call P: one of its parties, or a lane no call names (the server,
   the MGI, the MPS, a NAT). */
static bool ladder_pick_lane(const struct ladder *l, const struct ladder_pick *p, guint id)
{
	const struct ladder_lane *lane = g_ptr_array_index(l->lanes, id);

	return !lane->party || ladder_call_has(p->call, id);
}

/* Note row R belongs to call P: within its span, on its lanes, one of them its party. */
static bool ladder_pick_note(const struct ladder *l, const struct ladder_pick *p,
			     const struct ladder_lrow *r)
{
	return r->pub.time >= p->first && r->pub.time <= p->last &&
	       ladder_pick_lane(l, p, r->from) && ladder_pick_lane(l, p, r->to) &&
	       (ladder_call_has(p->call, r->from) || ladder_call_has(p->call, r->to));
}

/* A copy of row R of L appended to OUT. */
static void ladder_narrow_row(struct ladder *out, const struct ladder *l,
			      const struct ladder_lrow *r)
{
	struct ladder_lrow *c = ladder_row_new(out, r->pub.kind, r->pub.time);

	c->pub = r->pub;
	c->from = ladder_narrow_lane(out, l, r->from);
	c->to = ladder_narrow_lane(out, l, r->to);
	c->crossed = ladder_narrow_lane(out, l, r->crossed);
	c->sent_to = ladder_narrow_lane(out, l, r->sent_to);
	c->resolved = true;
	c->label = g_strdup(r->label);
	c->drop = g_strdup(r->drop);
	c->call_id = g_strdup(r->call_id);
	c->pub.label = c->label;
	c->pub.dropped = c->drop;
	if (r->dg.data != NULL) {
		c->dg = r->dg;
		c->dg.data = g_bytes_ref(r->dg.data);
	}
}

/* A copy of call record C of L in OUT, its Call-IDs included (those of OUT's rows). */
static struct ladder_call *ladder_narrow_call(struct ladder *out, const struct ladder *l,
					      const struct ladder_call *c)
{
	struct ladder_call *n = ladder_call_get(out, c->number, c->first);

	n->last = c->last;
	for (guint i = 0; i < c->parties->len; i++)
		ladder_call_party(out, n, ladder_narrow_lane(out, l, g_array_index(c->parties,
										     guint, i)));
	return n;
}

/* A new ladder holding the rows of the N calls CALLS of L (see ladder.h). */
struct ladder *ladder_narrow(const struct ladder *l, const uint64_t *calls, size_t n)
{
	struct ladder *out = ladder_alloc();
	GArray *picks = g_array_new(FALSE, FALSE, sizeof(struct ladder_pick));
	GHashTable *index = g_hash_table_new(NULL, NULL);     /* call -> pick + 1 (lookup) */
	bool *keep = g_new0(bool, l->rows->len + 1);

	/* The chosen calls that exist, each once, with the span of their points. */
	for (size_t i = 0; i < n; i++) {
		const struct ladder_call *c = g_hash_table_lookup(l->calls, &calls[i]);
		struct ladder_pick p;

		if (c == NULL || g_hash_table_contains(index, c))
			continue;
		p = (struct ladder_pick){ c, c->first, c->last };
		g_array_append_val(picks, p);
		g_hash_table_insert(index, (gpointer)c, GUINT_TO_POINTER(picks->len));
	}
	/* Their SIP rows, by the Call-ID of the leg each one belongs to; they widen the span. */
	for (guint i = 0; i < l->rows->len; i++) {
		const struct ladder_lrow *r = g_ptr_array_index(l->rows, i);
		const struct ladder_call *c;
		struct ladder_pick *p;
		guint k;

		if (r->call_id == NULL ||
		    (c = g_hash_table_lookup(l->call_of, r->call_id)) == NULL ||
		    (k = GPOINTER_TO_UINT(g_hash_table_lookup(index, c))) == 0)
			continue;
		keep[i] = true;
		p = &g_array_index(picks, struct ladder_pick, k - 1);
		p->first = MIN(p->first, r->pub.time);
		p->last = MAX(p->last, r->pub.time);
	}
	/* Their notes, by span and lanes. */
	for (guint i = 0; i < l->rows->len; i++) {
		const struct ladder_lrow *r = g_ptr_array_index(l->rows, i);

		if (r->pub.kind == LADDER_ROW_SIP)
			continue;
		for (guint k = 0; k < picks->len && !keep[i]; k++)
			keep[i] = ladder_pick_note(l, &g_array_index(picks, struct ladder_pick, k),
						   r);
	}
	/* The copy: L's drawn lanes declared in their order, the rows kept, the chosen calls. */
	ladder_view_update(l);
	for (guint i = 0; i < l->view->drawn->len; i++)
		ladder_lane(out, ((const struct ladder_lane *)g_ptr_array_index(l->view->drawn,
										i))->name);
	for (guint i = 0; i < l->rows->len; i++)
		if (keep[i])
			ladder_narrow_row(out, l, g_ptr_array_index(l->rows, i));
	for (guint k = 0; k < picks->len; k++)
		ladder_narrow_call(out, l, g_array_index(picks, struct ladder_pick, k).call);
	for (guint i = 0; i < out->rows->len; i++) {
		const struct ladder_lrow *r = g_ptr_array_index(out->rows, i);
		struct ladder_call *c;

		if (r->call_id == NULL || g_hash_table_contains(out->call_of, r->call_id))
			continue;
		c = g_hash_table_lookup(l->call_of, r->call_id);
		g_hash_table_insert(out->call_of, g_strdup(r->call_id),
				    g_hash_table_lookup(out->calls, &c->number));
	}
	out->max_call = l->max_call;
	g_free(keep);
	g_hash_table_destroy(index);
	g_array_free(picks, TRUE);
	return out;
}
