/*
 * check_pcap.c - Check tests for output/pcap.c, the capture writer: a small world (two hosts,
 * UDP sockets, a TCP and a TLS stream, a datagram injected from a foreign address) sends known
 * SIP bytes at known times, and the test parses the file by hand: the global header, each
 * record's timestamp and lengths, the Ethernet, IPv4, UDP and TCP headers, checksums verified
 * by summing (RFC 1071: a correct header sums to 0xffff), sequence and acknowledgement numbers,
 * the payload, fragmentation of an oversized datagram and splitting of an oversized segment,
 * determinism. A second world puts a NAT on the path (a forward hook that rewrites the
 * source going out and the destination coming in, and drops what has no binding) and checks
 * the point of view of pcap.h record by record: the public source of what leaves the NAT, the
 * destination as addressed, link losses and in-flight packets as sent, a drop recorded once,
 * send order although fates come in another order, TCP sequence numbers over the public
 * addresses. Then, when tshark is installed, tshark reads both files: no malformed packet, no
 * bad checksum, its sip,stat counts are the messages sent, and the NAT file's addresses are
 * the table's.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <check.h>

#include "output/pcap.h"
#include "sim/net.h"
#include "sim/sim.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define A_IP IP(10, 0, 0, 1)
#define B_IP IP(10, 0, 0, 2)
#define X_IP IP(203, 0, 113, 5)     /* a foreign address: no host, injected datagrams */
#define UDP_MAX 65507               /* net.c's largest datagram */
#define BIG_TCP 70000               /* a stream segment larger than any frame */

/* ---- the script: who sends what, when, how ---- */

enum from { FROM_A, FROM_B, FROM_X };
enum body { BODY_NONE, BODY_SDP, BODY_BIG };

struct step {
	int64_t at;              /* ns */
	enum from from;          /* A -> B, B -> A, or X -> A (injected) */
	enum sim_net_proto via;
	const char *first;       /* start line */
	const char *cseq;
	enum body body;
	size_t size;             /* BODY_BIG: the whole message's size */
};

/* Sends in time order; ids are 1, 2 ... in this order (opens are not numbered). */
static const struct step script[] = {
	{ 0, FROM_A, SIM_NET_UDP, "REGISTER sip:10.0.0.2 SIP/2.0", "1 REGISTER", BODY_NONE, 0 },
	/* 999 ns: microseconds truncate, never round */
	{ 2 * SIM_MS + 999, FROM_B, SIM_NET_UDP, "SIP/2.0 200 OK", "1 REGISTER", BODY_NONE, 0 },
	{ 1234567891, FROM_A, SIM_NET_UDP, "INVITE sip:202@10.0.0.2 SIP/2.0", "2 INVITE", BODY_SDP,
	  0 },
	{ 1240 * SIM_MS, FROM_B, SIM_NET_UDP, "SIP/2.0 100 Trying", "2 INVITE", BODY_NONE, 0 },
	{ 1500 * SIM_MS, FROM_B, SIM_NET_UDP, "SIP/2.0 180 Ringing", "2 INVITE", BODY_NONE, 0 },
	{ 2999999999, FROM_B, SIM_NET_UDP, "SIP/2.0 200 OK", "2 INVITE", BODY_SDP, 0 },
	{ 3 * SIM_S, FROM_A, SIM_NET_UDP, "ACK sip:202@10.0.0.2 SIP/2.0", "2 ACK", BODY_NONE, 0 },
	/* the TCP stream opens at this send: the bytes leave after the handshake, but the
	   record is stamped at the send call */
	{ 3500 * SIM_MS, FROM_A, SIM_NET_TCP, "OPTIONS sip:10.0.0.2;transport=tcp SIP/2.0",
	  "3 OPTIONS", BODY_NONE, 0 },
	{ 3600 * SIM_MS, FROM_B, SIM_NET_TCP, "SIP/2.0 200 OK", "3 OPTIONS", BODY_NONE, 0 },
	{ 3700 * SIM_MS, FROM_A, SIM_NET_TCP, "MESSAGE sip:202@10.0.0.2;transport=tcp SIP/2.0",
	  "4 MESSAGE", BODY_NONE, 0 },
	{ 4 * SIM_S, FROM_A, SIM_NET_TLS, "OPTIONS sip:10.0.0.2;transport=tls SIP/2.0",
	  "5 OPTIONS", BODY_NONE, 0 },
	{ 4100 * SIM_MS, FROM_B, SIM_NET_TLS, "SIP/2.0 200 OK", "5 OPTIONS", BODY_NONE, 0 },
	{ 5 * SIM_S, FROM_X, SIM_NET_UDP, "OPTIONS sip:201@10.0.0.1 SIP/2.0", "1 OPTIONS",
	  BODY_NONE, 0 },
	{ 6 * SIM_S, FROM_A, SIM_NET_UDP, "BYE sip:202@10.0.0.2 SIP/2.0", "6 BYE", BODY_NONE, 0 },
	{ 6001 * SIM_MS, FROM_B, SIM_NET_UDP, "SIP/2.0 200 OK", "6 BYE", BODY_NONE, 0 },
	/* the last two are larger than a frame: two records each */
	{ 7 * SIM_S, FROM_A, SIM_NET_UDP, "MESSAGE sip:202@10.0.0.2 SIP/2.0", "7 MESSAGE",
	  BODY_BIG, UDP_MAX },
	{ 8 * SIM_S, FROM_A, SIM_NET_TCP, "MESSAGE sip:202@10.0.0.2;transport=tcp SIP/2.0",
	  "8 MESSAGE", BODY_BIG, BIG_TCP },
};
#define N_STEPS G_N_ELEMENTS(script)
#define N_SMALL (N_STEPS - 2)          /* steps with one record each, records 0 .. N_SMALL-1 */
#define N_RECORDS (N_STEPS + 2)

static const char sdp[] =
	"v=0\r\n"
	"o=- 1 1 IN IP4 10.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP4 10.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

/* Builds the message of S with a body of BODY_LEN bytes (the SDP, or 'x' for BODY_BIG). */
static GString *sip_text(const struct step *s, size_t body_len)
{
	static const char *transport[] = { "UDP", "TCP", "TLS" };
	GString *m = g_string_new(s->first);
	char *branch = g_strdelimit(g_strdup(s->cseq), " ", '-');

	g_string_append_printf(m, "\r\nVia: SIP/2.0/%s %s:5060;branch=z9hG4bK-%s\r\n"
			       "From: <sip:201@10.0.0.2>;tag=a1\r\n"
			       "To: <sip:202@10.0.0.2>\r\n"
			       "Call-ID: c1@10.0.0.1\r\n"
			       "CSeq: %s\r\n", transport[s->via],
			       s->from == FROM_X ? "203.0.113.5" : "10.0.0.1", branch, s->cseq);
	g_free(branch);
	if (s->first[0] != 'S')
		g_string_append(m, "Max-Forwards: 70\r\n");
	if (s->body == BODY_SDP)
		g_string_append(m, "Content-Type: application/sdp\r\n");
	else if (s->body == BODY_BIG)
		g_string_append(m, "Content-Type: text/plain\r\n");
	g_string_append_printf(m, "Content-Length: %zu\r\n\r\n", body_len);
	if (s->body == BODY_SDP)
		g_string_append(m, sdp);
	for (size_t i = 0; s->body == BODY_BIG && i < body_len; i++)
		g_string_append_c(m, 'x');
	return m;
}

/* The exact bytes step S sends (a BODY_BIG message sized to S->size). */
static GBytes *step_bytes(const struct step *s)
{
	size_t body = s->body == BODY_SDP ? strlen(sdp) : 0;
	GString *m = sip_text(s, body);

	/* grow the body until the whole message has the wanted size (the Content-Length
	   digits change the header's length once or twice) */
	while (s->body == BODY_BIG && m->len != s->size) {
		body += s->size - m->len;
		g_string_free(m, TRUE);
		m = sip_text(s, body);
	}
	return g_string_free_to_bytes(m);
}

/* ---- the world ---- */

struct world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *a, *b;
	struct sim_udp *ua, *ub;
	struct sim_stream *tcp_a, *tcp_b, *tls_a, *tls_b;
	struct pcap_writer *pcap;
};

struct fire {
	struct world *w;
	const struct step *step;
};

/* Stream receiver: the test only looks at the capture. */
static void stream_rx(struct sim_stream *s, GBytes *data, void *arg)
{
	(void)s;
	(void)data;
	(void)arg;
}

/* Listener: keeps the accepted stream of each protocol. */
static void stream_accept(struct sim_stream *s, void *arg)
{
	struct world *w = arg;

	sim_stream_set_handlers(s, stream_rx, NULL, w);
	if (sim_stream_proto(s) == SIM_NET_TCP)
		w->tcp_b = s;
	else
		w->tls_b = s;
}

/* UDP receiver: ignores what arrives. */
static void udp_rx(struct sim_udp *sock, const struct sim_addr *src, const struct sim_addr *dst,
		   GBytes *data, void *arg)
{
	(void)sock;
	(void)src;
	(void)dst;
	(void)data;
	(void)arg;
}

/* Event: performs one step of the script (connecting A's stream on first use). */
static void step_fire(struct sim *sim, void *arg)
{
	struct fire *f = arg;
	struct world *w = f->w;
	const struct step *s = f->step;
	GBytes *data = step_bytes(s);
	struct sim_addr to_a = { A_IP, 5060 }, to_b = { B_IP, 5060 }, x = { X_IP, 5060 };
	struct sim_addr tls_b = { B_IP, 5061 };
	struct sim_stream **st;

	(void)sim;
	if (s->via == SIM_NET_UDP) {
		if (s->from == FROM_A)
			ck_assert_int_eq(sim_udp_send(w->ua, &to_b, data), 0);
		else if (s->from == FROM_B)
			ck_assert_int_eq(sim_udp_send(w->ub, &to_a, data), 0);
		else
			ck_assert_int_eq(sim_net_inject_udp(w->net, &x, &to_a, data), 0);
	} else {
		bool tls = s->via == SIM_NET_TLS;

		if (s->from == FROM_A) {
			st = tls ? &w->tls_a : &w->tcp_a;
			if (*st == NULL)
				*st = sim_stream_connect(w->a, tls ? &tls_b : &to_b, s->via,
							 stream_rx, NULL, w);
		} else {
			st = tls ? &w->tls_b : &w->tcp_b;
		}
		ck_assert_ptr_nonnull(*st);
		ck_assert_int_eq(sim_stream_send(*st, data), 0);
	}
	g_bytes_unref(data);
	g_free(f);
}

/* A world that has run STEPS (N of them) under SEED with a capture attached. */
static struct world *world_run(const struct step *steps, size_t n, uint64_t seed)
{
	struct world *w = g_new0(struct world, 1);

	w->sim = sim_new(seed, 0);
	w->net = sim_net_new(w->sim);
	w->a = sim_net_host_add(w->net, "a", A_IP);
	w->b = sim_net_host_add(w->net, "b", B_IP);
	w->ua = sim_udp_bind(w->a, 5060, udp_rx, w);
	w->ub = sim_udp_bind(w->b, 5060, udp_rx, w);
	ck_assert_ptr_nonnull(sim_stream_listen(w->b, 5060, SIM_NET_TCP, stream_accept, w));
	ck_assert_ptr_nonnull(sim_stream_listen(w->b, 5061, SIM_NET_TLS, stream_accept, w));
	w->pcap = pcap_writer_new(w->sim);
	for (size_t i = 0; i < n; i++) {
		struct fire *f = g_new(struct fire, 1);

		f->w = w;
		f->step = &steps[i];
		sim_schedule(w->sim, steps[i].at, step_fire, f);
	}
	sim_run(w->sim, SIM_TIME_NEVER);
	return w;
}

/* Frees the capture, the network, then the world. */
static void world_free(struct world *w)
{
	pcap_writer_free(w->pcap);
	sim_net_free(w->net);
	sim_free(w->sim);
	g_free(w);
}

/* ---- reading the file back, by hand ---- */

/* One record, pointing into the file. */
struct rec {
	uint32_t ts_sec, ts_usec, caplen, origlen;
	const uint8_t *f;        /* the frame: Ethernet header first */
};

/* Little-endian 32 bits (pcap headers). */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Big-endian 16 bits (network order). */
static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Big-endian 32 bits. */
static uint32_t be32(const uint8_t *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* Every record of FILE, in order (asserts that they tile the file exactly). */
static GArray *records(const GByteArray *file)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct rec));
	size_t off = 24;

	ck_assert_uint_ge(file->len, 24);
	while (off < file->len) {
		struct rec r;

		ck_assert_uint_le(off + 16, file->len);
		r.ts_sec = le32(file->data + off);
		r.ts_usec = le32(file->data + off + 4);
		r.caplen = le32(file->data + off + 8);
		r.origlen = le32(file->data + off + 12);
		r.f = file->data + off + 16;
		off += 16 + r.caplen;
		ck_assert_uint_le(off, file->len);
		g_array_append_val(out, r);
	}
	ck_assert_uint_eq(off, file->len);
	return out;
}

/* RFC 1071 one's-complement sum of LEN bytes at P added to SUM, folded to 16 bits. */
static uint32_t csum(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The sum of an L4 segment with its pseudo-header (0xffff when its checksum is right). */
static uint32_t l4_sum(uint32_t src, uint32_t dst, unsigned proto, const uint8_t *seg,
		       size_t len)
{
	uint8_t pseudo[12] = {
		(uint8_t)(src >> 24), (uint8_t)(src >> 16), (uint8_t)(src >> 8), (uint8_t)src,
		(uint8_t)(dst >> 24), (uint8_t)(dst >> 16), (uint8_t)(dst >> 8), (uint8_t)dst,
		0, (uint8_t)proto, (uint8_t)(len >> 8), (uint8_t)len,
	};

	return csum(csum(0, pseudo, sizeof(pseudo)), seg, len);
}

/* Checks R's Ethernet and IPv4 headers: MACs from SRC/DST, proto PROTO, id ID, IP total
   length IP_LEN, FRAG (flags + offset), checksum. Returns the IP payload. */
static const uint8_t *check_ip(const struct rec *r, uint32_t src, uint32_t dst, unsigned proto,
			       uint32_t id, size_t ip_len, uint32_t frag)
{
	const uint8_t *e = r->f, *ip = r->f + 14;
	const uint8_t mac_dst[6] = { 2, 0, dst >> 24, (dst >> 16) & 0xff, (dst >> 8) & 0xff,
				     dst & 0xff };
	const uint8_t mac_src[6] = { 2, 0, src >> 24, (src >> 16) & 0xff, (src >> 8) & 0xff,
				     src & 0xff };

	ck_assert_uint_eq(r->caplen, 14 + ip_len);
	ck_assert_uint_eq(r->origlen, r->caplen);
	ck_assert_mem_eq(e, mac_dst, 6);
	ck_assert_mem_eq(e + 6, mac_src, 6);
	ck_assert_uint_eq(be16(e + 12), 0x0800);
	ck_assert_uint_eq(ip[0], 0x45);                 /* version 4, IHL 5 */
	ck_assert_uint_eq(ip[1], 0);
	ck_assert_uint_eq(be16(ip + 2), ip_len);
	ck_assert_uint_eq(be16(ip + 4), id & 0xffff);
	ck_assert_uint_eq(be16(ip + 6), frag);
	ck_assert_uint_eq(ip[8], 64);                   /* TTL */
	ck_assert_uint_eq(ip[9], proto);
	ck_assert_uint_eq(be32(ip + 12), src);
	ck_assert_uint_eq(be32(ip + 16), dst);
	ck_assert_uint_eq(csum(0, ip, 20), 0xffff);     /* header checksum verifies */
	return ip + 20;
}

/* Source and destination addresses of step S (A's streams use an ephemeral port: PORT). */
static void step_addrs(const struct step *s, uint16_t a_port, struct sim_addr *src,
		       struct sim_addr *dst)
{
	struct sim_addr a = { A_IP, s->via == SIM_NET_UDP ? 5060 : a_port };
	struct sim_addr b = { B_IP, s->via == SIM_NET_TLS ? 5061 : 5060 };
	struct sim_addr x = { X_IP, 5060 };

	*src = s->from == FROM_A ? a : s->from == FROM_B ? b : x;
	*dst = s->from == FROM_A ? b : a;
}

/* The capture of the whole script, run once per test. */
static struct world *script_world(void)
{
	return world_run(script, N_STEPS, 1);
}

/* ---- tests ---- */

START_TEST(test_global_header)
{
	/* given a writer on an empty world */
	struct sim *sim = sim_new(1, 0);
	struct pcap_writer *w = pcap_writer_new(sim);
	static const uint8_t want[24] = {
		0xd4, 0xc3, 0xb2, 0xa1,      /* magic 0xa1b2c3d4, little-endian */
		2, 0, 4, 0,                  /* version 2.4 */
		0, 0, 0, 0, 0, 0, 0, 0,      /* thiszone, sigfigs */
		0xff, 0xff, 0, 0,            /* snaplen 65535 */
		1, 0, 0, 0,                  /* LINKTYPE_ETHERNET */
	};

	/* then the file is the global header alone */
	ck_assert_uint_eq(pcap_writer_bytes(w)->len, 24);
	ck_assert_mem_eq(pcap_writer_bytes(w)->data, want, 24);
	ck_assert_uint_eq(pcap_writer_count(w), 0);
	pcap_writer_free(w);
	sim_free(sim);
}
END_TEST

START_TEST(test_record)
{
	/* given the script's capture, and step _i (one frame each) */
	struct world *w = script_world();
	const struct step *s = &script[_i];
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	const struct rec *r = &g_array_index(recs, struct rec, _i);
	GBytes *sent = step_bytes(s);
	size_t n;
	const uint8_t *payload = g_bytes_get_data(sent, &n);
	bool udp = s->via == SIM_NET_UDP;
	size_t l4_len = (udp ? 8 : 20) + n;
	struct sim_addr src, dst;

	step_addrs(s, s->via == SIM_NET_TCP ? sim_stream_local(w->tcp_a).port
		   : s->via == SIM_NET_TLS ? sim_stream_local(w->tls_a).port : 5060, &src, &dst);

	/* then there is one record per send, stamped at the epoch + its send time (us, cut) */
	ck_assert_uint_eq(recs->len, N_RECORDS);
	ck_assert_uint_eq(pcap_writer_count(w->pcap), N_RECORDS);
	ck_assert_uint_eq(r->ts_sec, 1767225600 + s->at / SIM_S);
	ck_assert_uint_eq(r->ts_usec, s->at % SIM_S / SIM_US);
	/* and its frame is Ethernet + IPv4 (id = packet id = step + 1, DF) + UDP or TCP */
	ck_assert_uint_eq(r->caplen, 14 + 20 + l4_len);
	const uint8_t *l4 = check_ip(r, src.ip, dst.ip, udp ? 17 : 6, (uint32_t)_i + 1,
				     20 + l4_len, 0x4000);
	ck_assert_uint_eq(be16(l4), src.port);
	ck_assert_uint_eq(be16(l4 + 2), dst.port);
	ck_assert_uint_eq(l4_sum(src.ip, dst.ip, udp ? 17 : 6, l4, l4_len), 0xffff);
	if (udp) {
		ck_assert_uint_eq(be16(l4 + 4), l4_len);
		ck_assert_uint_ne(be16(l4 + 6), 0);     /* a checksum is always sent */
	} else {
		ck_assert_uint_eq(l4[12], 0x50);        /* data offset 5 words */
		ck_assert_uint_eq(l4[13], 0x18);        /* PSH|ACK, never SYN or FIN */
		ck_assert_uint_eq(be16(l4 + 14), 65535);
		ck_assert_uint_eq(be16(l4 + 18), 0);
	}
	/* and the payload is the very bytes sent */
	ck_assert_mem_eq(l4 + (udp ? 8 : 20), payload, n);
	g_bytes_unref(sent);
	g_array_free(recs, TRUE);
	world_free(w);
}
END_TEST

/* Length of the message step I sends. */
static uint32_t step_len(size_t i)
{
	GBytes *b = step_bytes(&script[i]);
	uint32_t n = (uint32_t)g_bytes_get_size(b);

	g_bytes_unref(b);
	return n;
}

START_TEST(test_tcp_sequence)
{
	/* given the script's capture: TCP steps 7 (A), 8 (B), 9 (A), then 16 (A, split in two);
	   TLS steps 10 (A), 11 (B) */
	struct world *w = script_world();
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	uint32_t l7 = step_len(7), l8 = step_len(8), l9 = step_len(9), l10 = step_len(10);
	struct {
		size_t rec;
		uint32_t seq, ack;
	} want[] = {
		{ 7, 1, 0 },                     /* B has sent nothing yet: ack 0 */
		{ 8, 1, 1 + l7 },
		{ 9, 1 + l7, 1 + l8 },
		{ 10, 1, 0 },                    /* the TLS connection is a flow of its own */
		{ 11, 1, 1 + l10 },
		{ N_RECORDS - 2, 1 + l7 + l9, 1 + l8 },
		{ N_RECORDS - 1, 1 + l7 + l9 + 65481, 1 + l8 },
	};

	/* then each direction numbers its bytes from 1 and acks the other's next byte */
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		const uint8_t *tcp = g_array_index(recs, struct rec, want[i].rec).f + 34;

		ck_assert_uint_eq(be32(tcp + 4), want[i].seq);
		ck_assert_uint_eq(be32(tcp + 8), want[i].ack);
	}
	g_array_free(recs, TRUE);
	world_free(w);
}
END_TEST

START_TEST(test_fragmented_datagram)
{
	/* given the script's 65507-byte datagram (step 15: records 15 and 16) */
	struct world *w = script_world();
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	const struct rec *r1 = &g_array_index(recs, struct rec, N_SMALL);
	const struct rec *r2 = &g_array_index(recs, struct rec, N_SMALL + 1);
	GBytes *sent = step_bytes(&script[N_SMALL]);
	size_t n;
	const uint8_t *payload = g_bytes_get_data(sent, &n);
	uint8_t *udp = g_malloc(8 + n);

	/* then a frame of 65535 bytes could not hold it (14 + 20 + 8 + 65507 = 65549): two IPv4
	   fragments, the first with MF and 65496 bytes (8187 units), the second the other 19 */
	ck_assert_uint_eq(n, UDP_MAX);
	const uint8_t *p1 = check_ip(r1, A_IP, B_IP, 17, N_SMALL + 1, 20 + 65496, 0x2000);
	const uint8_t *p2 = check_ip(r2, A_IP, B_IP, 17, N_SMALL + 1, 20 + 19, 8187);
	ck_assert_uint_eq(r1->caplen, 65530);
	ck_assert_uint_le(r1->caplen, 65535);
	ck_assert_uint_eq(r2->ts_sec, r1->ts_sec);
	ck_assert_uint_eq(r2->ts_usec, r1->ts_usec);
	/* and reassembled, they are the datagram: length 8 + 65507, checksum, the bytes sent */
	memcpy(udp, p1, 65496);
	memcpy(udp + 65496, p2, 19);
	ck_assert_uint_eq(be16(udp + 4), 8 + n);
	ck_assert_uint_eq(l4_sum(A_IP, B_IP, 17, udp, 8 + n), 0xffff);
	ck_assert_mem_eq(udp + 8, payload, n);
	g_free(udp);
	g_bytes_unref(sent);
	g_array_free(recs, TRUE);
	world_free(w);
}
END_TEST

START_TEST(test_split_segment)
{
	/* given the script's 70000-byte stream segment (step 16: the last two records) */
	struct world *w = script_world();
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	const struct rec *r1 = &g_array_index(recs, struct rec, N_RECORDS - 2);
	const struct rec *r2 = &g_array_index(recs, struct rec, N_RECORDS - 1);
	GBytes *sent = step_bytes(&script[N_STEPS - 1]);
	size_t n;
	const uint8_t *payload = g_bytes_get_data(sent, &n);
	uint16_t port = sim_stream_local(w->tcp_a).port;

	/* then two TCP segments of 65481 (fills a 65535-byte frame) and 4519 bytes, DF set,
	   checksums right, the bytes in order */
	ck_assert_uint_eq(n, BIG_TCP);
	const uint8_t *t1 = check_ip(r1, A_IP, B_IP, 6, N_STEPS, 20 + 20 + 65481, 0x4000);
	const uint8_t *t2 = check_ip(r2, A_IP, B_IP, 6, N_STEPS, 20 + 20 + 4519, 0x4000);
	ck_assert_uint_eq(r1->caplen, 65535);
	ck_assert_uint_eq(be16(t1), port);
	ck_assert_uint_eq(be16(t2), port);
	ck_assert_uint_eq(l4_sum(A_IP, B_IP, 6, t1, 20 + 65481), 0xffff);
	ck_assert_uint_eq(l4_sum(A_IP, B_IP, 6, t2, 20 + 4519), 0xffff);
	ck_assert_mem_eq(t1 + 20, payload, 65481);
	ck_assert_mem_eq(t2 + 20, payload + 65481, 4519);
	ck_assert_uint_eq(be32(t2 + 4) - be32(t1 + 4), 65481);
	g_bytes_unref(sent);
	g_array_free(recs, TRUE);
	world_free(w);
}
END_TEST

START_TEST(test_udp_checksum_zero_sent_as_ffff)
{
	/* given a datagram whose last word is chosen so that its checksum computes to 0:
	   the sum of pseudo-header, header and payload (checksum field 0) is then 0xffff */
	struct sim *sim = sim_new(1, 0);
	struct sim_net *net = sim_net_new(sim);
	struct sim_host *a = sim_net_host_add(net, "a", A_IP);
	struct sim_udp *ua = sim_udp_bind(a, 5060, udp_rx, NULL);
	struct sim_addr dst = { B_IP, 5062 };
	struct pcap_writer *w = pcap_writer_new(sim);
	uint8_t payload[] = "OPTIONS sip:bb SIP/2.0\r\n\r\n..";
	size_t n = sizeof(payload) - 1;     /* even: the last two bytes are one word */
	uint8_t hdr[8] = { 5060 >> 8, 5060 & 0xff, 5062 >> 8, 5062 & 0xff, 0, (uint8_t)(8 + n),
			   0, 0 };
	uint8_t *seg = g_malloc(8 + n);

	ck_assert_uint_eq(n % 2, 0);
	payload[n - 2] = payload[n - 1] = 0;
	memcpy(seg, hdr, 8);
	memcpy(seg + 8, payload, n);
	uint32_t rest = l4_sum(A_IP, B_IP, 17, seg, 8 + n);
	payload[n - 2] = (uint8_t)((~rest & 0xffff) >> 8);
	payload[n - 1] = (uint8_t)(~rest & 0xff);
	memcpy(seg + 8, payload, n);
	ck_assert_uint_eq(l4_sum(A_IP, B_IP, 17, seg, 8 + n), 0xffff);

	/* when it is sent */
	GBytes *data = g_bytes_new(payload, n);
	ck_assert_int_eq(sim_udp_send(ua, &dst, data), 0);
	g_bytes_unref(data);

	/* then its checksum field holds 0xffff (RFC 768: 0 would mean "none"), which verifies */
	GArray *recs = records(pcap_writer_bytes(w));
	ck_assert_uint_eq(recs->len, 1);
	const uint8_t *udp = g_array_index(recs, struct rec, 0).f + 34;
	ck_assert_uint_eq(be16(udp + 6), 0xffff);
	ck_assert_uint_eq(l4_sum(A_IP, B_IP, 17, udp, 8 + n), 0xffff);
	g_array_free(recs, TRUE);
	g_free(seg);
	pcap_writer_free(w);
	sim_net_free(net);
	sim_free(sim);
}
END_TEST

/* Receiver of the echo world: B answers every request at once (so timing follows the link). */
static void echo_rx(struct sim_udp *sock, const struct sim_addr *src, const struct sim_addr *dst,
		    GBytes *data, void *arg)
{
	static const char ok[] = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
	GBytes *b;

	(void)dst;
	(void)data;
	(void)arg;
	b = g_bytes_new_static(ok, strlen(ok));
	ck_assert_int_eq(sim_udp_send(sock, src, b), 0);
	g_bytes_unref(b);
}

/* The capture of a world where A sends 20 OPTIONS over a jittery, lossy link and B answers
   each one it gets: send times depend on the link's draws, so on SEED. */
static GBytes *echo_capture(uint64_t seed)
{
	static const char opt[] = "OPTIONS sip:b SIP/2.0\r\nContent-Length: 0\r\n\r\n";
	struct sim *sim = sim_new(seed, 0);
	struct sim_net *net = sim_net_new(sim);
	struct sim_link link = { .latency = SIM_MS, .jitter = 5 * SIM_MS,
				 .dist = SIM_DELAY_EXP, .loss = 0.2 };
	struct sim_host *a = sim_net_host_add(net, "a", A_IP);
	struct sim_host *b = sim_net_host_add(net, "b", B_IP);
	struct sim_udp *ua = sim_udp_bind(a, 5060, udp_rx, NULL);
	struct sim_addr to_b = { B_IP, 5060 };
	struct pcap_writer *w = pcap_writer_new(sim);
	GBytes *out, *req = g_bytes_new_static(opt, strlen(opt));

	sim_net_set_link(net, a, b, &link);
	ck_assert_ptr_nonnull(sim_udp_bind(b, 5060, echo_rx, NULL));
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(sim_udp_send(ua, &to_b, req), 0);
		sim_run(sim, sim_now(sim) + 10 * SIM_MS);
	}
	sim_run(sim, SIM_TIME_NEVER);
	out = g_bytes_new(pcap_writer_bytes(w)->data, pcap_writer_bytes(w)->len);
	g_bytes_unref(req);
	pcap_writer_free(w);
	sim_net_free(net);
	sim_free(sim);
	return out;
}

START_TEST(test_deterministic)
{
	/* given the script twice, and the echo world twice under one seed and once under another */
	struct world *w1 = script_world(), *w2 = script_world();
	GBytes *e1 = echo_capture(7), *e2 = echo_capture(7), *e3 = echo_capture(8);
	const GByteArray *b1 = pcap_writer_bytes(w1->pcap), *b2 = pcap_writer_bytes(w2->pcap);

	/* then the files are byte-identical, and another seed gives another file */
	ck_assert_uint_eq(b1->len, b2->len);
	ck_assert_mem_eq(b1->data, b2->data, b1->len);
	ck_assert_uint_gt(g_bytes_get_size(e1), 24 + 20 * 80);
	ck_assert(g_bytes_equal(e1, e2));
	ck_assert(!g_bytes_equal(e1, e3));
	g_bytes_unref(e1);
	g_bytes_unref(e2);
	g_bytes_unref(e3);
	world_free(w1);
	world_free(w2);
}
END_TEST

/* ---- a NAT on the path: the view from the call server's side ---- */

#define HOME_IP IP(10, 0, 0, 5)      /* the phone, behind the NAT */
#define SRV_IP IP(192, 168, 1, 10)   /* the call server */
#define FAR_IP IP(198, 51, 100, 7)   /* a host the phone reaches over a link that loses all */
#define PUB_IP IP(203, 0, 113, 50)   /* the NAT's public address: no host of its own */
#define GONE_IP IP(192, 168, 1, 99)  /* no host: "no route" */
#define HOME_NET IP(10, 0, 0, 0)
#define NAT_PORT0 1024               /* the first public port the NAT hands out */
#define NAT_TAKEN (405 * SIM_MS)     /* when the tests take the file: the BYE is in flight */

/* The NAT of the test world: a forward hook that maps each private address:port leaving
   10.0.0.0/24 to 203.0.113.50:1024, 1025 ... in order of first use (endpoint-independent,
   RFC 4787 4.1) and maps what comes to a public port back; a port with no binding drops. */
struct tnat {
	struct sim_addr priv[4];
	size_t n;
	size_t dropped;
};

/* The forward hook: outbound rewrites the source, inbound the destination. */
static bool tnat_hook(struct sim_net_packet *pkt, const char **reason, void *arg)
{
	struct tnat *t = arg;
	size_t i;

	if ((pkt->src.ip & 0xffffff00u) == HOME_NET && (pkt->dst.ip & 0xffffff00u) != HOME_NET) {
		for (i = 0; i < t->n && !sim_addr_equal(&t->priv[i], &pkt->src); i++)
			;
		if (i == t->n) {
			ck_assert_uint_lt(t->n, G_N_ELEMENTS(t->priv));
			t->priv[t->n++] = pkt->src;
		}
		pkt->src = (struct sim_addr){ PUB_IP, (uint16_t)(NAT_PORT0 + i) };
	}
	if (pkt->dst.ip == PUB_IP) {
		if (pkt->dst.port < NAT_PORT0 || pkt->dst.port >= NAT_PORT0 + t->n) {
			t->dropped++;
			*reason = "nat: no binding";
			return false;
		}
		pkt->dst = t->priv[pkt->dst.port - NAT_PORT0];
	}
	return true;
}

enum nat_from { NF_PHONE, NF_SERVER };

/* One send of the NAT script, and the record a tap at the server must show for it. */
struct nat_step {
	int64_t at;
	enum nat_from from;
	enum sim_net_proto via;
	struct sim_addr to;      /* UDP: where the datagram is addressed (streams: implied) */
	const char *first;
	const char *cseq;
	struct sim_addr want_src, want_dst;   /* the record's addresses */
	const char *why;
};

/* The phone's sends as the server's LAN sees them: from the NAT's public mapping. */
static const struct nat_step nat_script[] = {
	{ 0, NF_PHONE, SIM_NET_UDP, { SRV_IP, 5060 }, "REGISTER sip:192.168.1.10 SIP/2.0",
	  "1 REGISTER", { PUB_IP, 1024 }, { SRV_IP, 5060 },
	  "outbound: the source the NAT gave it (delivered at 10 ms, after row 1's drop)" },
	{ 1 * SIM_MS, NF_SERVER, SIM_NET_UDP, { PUB_IP, 1099 }, "OPTIONS sip:10.0.0.5 SIP/2.0",
	  "1 OPTIONS", { SRV_IP, 5060 }, { PUB_IP, 1099 },
	  "to a public port with no binding: dropped by the hook at 2 ms, recorded once" },
	{ 20 * SIM_MS, NF_SERVER, SIM_NET_UDP, { PUB_IP, 1024 }, "SIP/2.0 401 Unauthorized",
	  "1 REGISTER", { SRV_IP, 5060 }, { PUB_IP, 1024 },
	  "inbound: the destination as addressed, not the private one the hook made" },
	{ 30 * SIM_MS, NF_PHONE, SIM_NET_UDP, { FAR_IP, 5060 }, "MESSAGE sip:far SIP/2.0",
	  "2 MESSAGE", { HOME_IP, 5060 }, { FAR_IP, 5060 },
	  "lost on the link: never met the hook, recorded as sent" },
	{ 40 * SIM_MS, NF_PHONE, SIM_NET_UDP, { GONE_IP, 5060 }, "MESSAGE sip:gone SIP/2.0",
	  "3 MESSAGE", { PUB_IP, 1024 }, { GONE_IP, 5060 },
	  "rewritten, then no route: dies with the rewrite known" },
	{ 50 * SIM_MS, NF_PHONE, SIM_NET_TCP, { SRV_IP, 5060 },
	  "OPTIONS sip:192.168.1.10;transport=tcp SIP/2.0", "4 OPTIONS", { PUB_IP, 1025 },
	  { SRV_IP, 5060 }, "a segment on a connection whose open the NAT mapped to 1025" },
	{ 200 * SIM_MS, NF_SERVER, SIM_NET_TCP, { 0, 0 }, "SIP/2.0 200 OK", "4 OPTIONS",
	  { SRV_IP, 5060 }, { PUB_IP, 1025 }, "the server's side addresses the public mapping" },
	{ 300 * SIM_MS, NF_PHONE, SIM_NET_TCP, { SRV_IP, 5060 },
	  "MESSAGE sip:192.168.1.10;transport=tcp SIP/2.0", "5 MESSAGE", { PUB_IP, 1025 },
	  { SRV_IP, 5060 }, "the same connection: the same public source" },
	{ 400 * SIM_MS, NF_PHONE, SIM_NET_UDP, { SRV_IP, 5060 }, "BYE sip:192.168.1.10 SIP/2.0",
	  "6 BYE", { HOME_IP, 5060 }, { SRV_IP, 5060 },
	  "in flight when the file is taken (arrives at 410 ms): recorded as sent" },
};
#define N_NAT G_N_ELEMENTS(nat_script)

/* The bytes row S sends: a small SIP message tshark dissects. */
static GBytes *nat_bytes(const struct nat_step *s)
{
	GString *m = g_string_new(s->first);

	g_string_append_printf(m, "\r\nVia: SIP/2.0/%s %s:5060;branch=z9hG4bK-%zu\r\n"
			       "From: <sip:2002@192.168.1.10>;tag=n1\r\n"
			       "To: <sip:2002@192.168.1.10>\r\n"
			       "Call-ID: nat1@10.0.0.5\r\n"
			       "CSeq: %s\r\n", s->via == SIM_NET_UDP ? "UDP" : "TCP",
			       s->from == NF_PHONE ? "10.0.0.5" : "192.168.1.10",
			       (size_t)(s - nat_script), s->cseq);
	if (s->first[0] != 'S')
		g_string_append(m, "Max-Forwards: 70\r\n");
	g_string_append(m, "Content-Length: 0\r\n\r\n");
	return g_string_free_to_bytes(m);
}

struct nat_world {
	struct sim *sim;
	struct sim_net *net;
	struct sim_host *phone, *server;
	struct sim_udp *uphone, *userver;
	struct sim_stream *tcp_phone, *tcp_server;
	struct tnat nat;
	struct pcap_writer *pcap;
};

struct nat_fire {
	struct nat_world *w;
	const struct nat_step *step;
};

/* The server's listener: keeps the accepted stream. */
static void nat_accept(struct sim_stream *s, void *arg)
{
	struct nat_world *w = arg;

	sim_stream_set_handlers(s, stream_rx, NULL, w);
	w->tcp_server = s;
}

/* Event: performs one row of the NAT script. */
static void nat_fire(struct sim *sim, void *arg)
{
	struct nat_fire *f = arg;
	struct nat_world *w = f->w;
	const struct nat_step *s = f->step;
	GBytes *data = nat_bytes(s);

	(void)sim;
	if (s->via == SIM_NET_UDP) {
		ck_assert_int_eq(sim_udp_send(s->from == NF_PHONE ? w->uphone : w->userver, &s->to,
					      data), 0);
	} else if (s->from == NF_PHONE) {
		if (w->tcp_phone == NULL)
			w->tcp_phone = sim_stream_connect(w->phone, &s->to, SIM_NET_TCP, stream_rx,
							  NULL, w);
		ck_assert_ptr_nonnull(w->tcp_phone);
		ck_assert_int_eq(sim_stream_send(w->tcp_phone, data), 0);
	} else {
		ck_assert_ptr_nonnull(w->tcp_server);
		ck_assert_int_eq(sim_stream_send(w->tcp_server, data), 0);
	}
	g_bytes_unref(data);
	g_free(f);
}

/* The NAT world with its script scheduled and a capture attached, run up to UNTIL. Links: 1 ms
   by default, 10 ms between the phone and the server (so fates come out of send order), and
   a link from the phone to FAR that loses everything. */
static struct nat_world *nat_world_new(int64_t until)
{
	struct nat_world *w = g_new0(struct nat_world, 1);
	struct sim_link slow = { .latency = 10 * SIM_MS, .dist = SIM_DELAY_CONST };
	struct sim_link lossy = { .latency = SIM_MS, .dist = SIM_DELAY_CONST, .loss = 1.0 };
	struct sim_host *far;

	w->sim = sim_new(1, 0);
	w->net = sim_net_new(w->sim);
	w->phone = sim_net_host_add(w->net, "phone", HOME_IP);
	w->server = sim_net_host_add(w->net, "server", SRV_IP);
	far = sim_net_host_add(w->net, "far", FAR_IP);
	sim_net_set_link(w->net, w->phone, w->server, &slow);
	sim_net_set_link(w->net, w->phone, far, &lossy);
	sim_net_set_hook(w->net, tnat_hook, &w->nat);
	w->uphone = sim_udp_bind(w->phone, 5060, udp_rx, w);
	w->userver = sim_udp_bind(w->server, 5060, udp_rx, w);
	ck_assert_ptr_nonnull(sim_udp_bind(far, 5060, udp_rx, w));
	ck_assert_ptr_nonnull(sim_stream_listen(w->server, 5060, SIM_NET_TCP, nat_accept, w));
	w->pcap = pcap_writer_new(w->sim);
	for (size_t i = 0; i < N_NAT; i++) {
		struct nat_fire *f = g_new(struct nat_fire, 1);

		f->w = w;
		f->step = &nat_script[i];
		sim_schedule(w->sim, nat_script[i].at, nat_fire, f);
	}
	sim_run(w->sim, until);
	return w;
}

/* Frees the capture, the network, then the world. */
static void nat_world_free(struct nat_world *w)
{
	pcap_writer_free(w->pcap);
	sim_net_free(w->net);
	sim_free(w->sim);
	g_free(w);
}

START_TEST(test_nat_record)
{
	/* given the NAT world's file, taken at 405 ms, and row _i of its script */
	struct nat_world *w = nat_world_new(NAT_TAKEN);
	const struct nat_step *s = &nat_script[_i];
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	const struct rec *r = &g_array_index(recs, struct rec, _i);
	GBytes *sent = nat_bytes(s);
	size_t n;
	const uint8_t *payload = g_bytes_get_data(sent, &n);
	bool udp = s->via == SIM_NET_UDP;
	size_t l4_len = (udp ? 8 : 20) + n;

	/* then each send is one record, in send order, stamped at its send time */
	ck_assert_uint_eq(recs->len, N_NAT);
	ck_assert_uint_eq(r->ts_sec, 1767225600 + s->at / SIM_S);
	ck_assert_uint_eq(r->ts_usec, s->at % SIM_S / SIM_US);
	/* and its addresses are the view from the server's side (see the row's why) */
	const uint8_t *l4 = check_ip(r, s->want_src.ip, s->want_dst.ip, udp ? 17 : 6,
				     (uint32_t)_i + 1, 20 + l4_len, 0x4000);
	ck_assert_msg(be16(l4) == s->want_src.port, "row %d (%s): source port %u", _i, s->why,
		      be16(l4));
	ck_assert_msg(be16(l4 + 2) == s->want_dst.port, "row %d (%s): destination port %u", _i,
		      s->why, be16(l4 + 2));
	/* and the L4 checksum verifies over the recorded addresses */
	ck_assert_uint_eq(l4_sum(s->want_src.ip, s->want_dst.ip, udp ? 17 : 6, l4, l4_len),
			  0xffff);
	ck_assert_mem_eq(l4 + (udp ? 8 : 20), payload, n);
	g_bytes_unref(sent);
	g_array_free(recs, TRUE);
	nat_world_free(w);
}
END_TEST

START_TEST(test_nat_time_order)
{
	/* given the NAT world's file */
	struct nat_world *w = nat_world_new(NAT_TAKEN);
	GArray *recs = records(pcap_writer_bytes(w->pcap));

	/* then timestamps never go back and IP ids (= packet ids) count 1, 2, ... although the
	   fates came in another order (row 1 dropped at 2 ms, row 0 delivered at 10 ms) */
	for (guint i = 0; i < recs->len; i++) {
		const struct rec *r = &g_array_index(recs, struct rec, i);

		ck_assert_uint_eq(be16(r->f + 14 + 4), i + 1);
		if (i > 0) {
			const struct rec *q = &g_array_index(recs, struct rec, i - 1);

			ck_assert(r->ts_sec > q->ts_sec ||
				  (r->ts_sec == q->ts_sec && r->ts_usec >= q->ts_usec));
		}
	}
	g_array_free(recs, TRUE);
	nat_world_free(w);
}
END_TEST

START_TEST(test_nat_holding)
{
	/* given the NAT world at 5 ms: row 0 in flight (arrives at 10 ms), row 1 dropped */
	struct nat_world *w = nat_world_new(5 * SIM_MS);
	struct sim_net_stats st;

	/* then nothing is written yet: row 1 waits behind row 0 */
	ck_assert_uint_eq(pcap_writer_count(w->pcap), 0);
	ck_assert_uint_eq(pcap_writer_held(w->pcap), 2);
	ck_assert_uint_eq(w->nat.dropped, 1);
	/* when the run reaches 405 ms, then all but the BYE in flight are written */
	sim_run(w->sim, NAT_TAKEN);
	ck_assert_uint_eq(pcap_writer_count(w->pcap), N_NAT - 1);
	ck_assert_uint_eq(pcap_writer_held(w->pcap), 1);
	/* when the file is taken, then the BYE is written too, and taking it again is free */
	const GByteArray *b = pcap_writer_bytes(w->pcap);
	size_t len = b->len;
	ck_assert_uint_eq(pcap_writer_count(w->pcap), N_NAT);
	ck_assert_uint_eq(pcap_writer_held(w->pcap), 0);
	ck_assert_ptr_eq(pcap_writer_bytes(w->pcap), b);
	ck_assert_uint_eq(b->len, len);
	/* when the run ends (the BYE's DELIVER comes at 410 ms), then its record stays the one
	   written: no second record, the file unchanged */
	sim_run(w->sim, SIM_TIME_NEVER);
	st = sim_net_stats(w->net);
	ck_assert_uint_eq(st.sent, N_NAT);
	ck_assert_uint_eq(st.delivered + st.dropped, N_NAT);
	ck_assert_uint_eq(st.dropped, 3);           /* hook, link loss, no route */
	ck_assert_uint_eq(pcap_writer_count(w->pcap), N_NAT);
	ck_assert_uint_eq(pcap_writer_bytes(w->pcap)->len, len);
	nat_world_free(w);
}
END_TEST

START_TEST(test_nat_drop_once)
{
	/* given the NAT world run to its end (every fate known) */
	struct nat_world *w = nat_world_new(SIM_TIME_NEVER);
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	size_t to_1099 = 0, to_pub = 0, from_pub = 0;

	/* then the hook's drop is there once, and the file holds one record per send */
	ck_assert_uint_eq(w->nat.dropped, 1);
	ck_assert_uint_eq(recs->len, N_NAT);
	ck_assert_uint_eq(sim_net_stats(w->net).sent, recs->len);
	for (guint i = 0; i < recs->len; i++) {
		const uint8_t *ip = g_array_index(recs, struct rec, i).f + 14;

		to_1099 += be32(ip + 16) == PUB_IP && be16(ip + 22) == 1099;
		to_pub += be32(ip + 16) == PUB_IP;
		from_pub += be32(ip + 12) == PUB_IP;
	}
	ck_assert_uint_eq(to_1099, 1);
	ck_assert_uint_eq(to_pub, 3);               /* rows 1, 2, 6 */
	ck_assert_uint_eq(from_pub, 5);             /* rows 0, 4, 5, 7, and 8 (the BYE) */
	/* and the BYE, delivered this time, shows its public source */
	const uint8_t *last = g_array_index(recs, struct rec, N_NAT - 1).f + 14;
	ck_assert_uint_eq(be32(last + 12), PUB_IP);
	ck_assert_uint_eq(be16(last + 20), 1024);
	g_array_free(recs, TRUE);
	nat_world_free(w);
}
END_TEST

/* Length of the message NAT row I sends. */
static uint32_t nat_len(size_t i)
{
	GBytes *b = nat_bytes(&nat_script[i]);
	uint32_t n = (uint32_t)g_bytes_get_size(b);

	g_bytes_unref(b);
	return n;
}

START_TEST(test_nat_tcp)
{
	/* given the NAT world's file: TCP rows 5 (phone), 6 (server), 7 (phone) */
	struct nat_world *w = nat_world_new(NAT_TAKEN);
	GArray *recs = records(pcap_writer_bytes(w->pcap));
	struct sim_addr remote = sim_stream_remote(w->tcp_server);
	uint32_t l5 = nat_len(5), l6 = nat_len(6);
	struct {
		size_t rec;
		uint32_t seq, ack;
	} want[] = {
		{ 5, 1, 0 },
		{ 6, 1, 1 + l5 },                /* acks the phone's bytes: one connection */
		{ 7, 1 + l5, 1 + l6 },
	};

	/* then the server's stream sees the public mapping, as the records do */
	ck_assert_uint_eq(remote.ip, PUB_IP);
	ck_assert_uint_eq(remote.port, 1025);
	ck_assert_uint_ne(sim_stream_local(w->tcp_phone).port, 1025);
	/* and sequence numbers run per direction over those addresses: the two directions of
	   203.0.113.50:1025 <-> 192.168.1.10:5060 number and acknowledge each other */
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		const uint8_t *tcp = g_array_index(recs, struct rec, want[i].rec).f + 34;

		ck_assert_uint_eq(be32(tcp + 4), want[i].seq);
		ck_assert_uint_eq(be32(tcp + 8), want[i].ack);
	}
	g_array_free(recs, TRUE);
	nat_world_free(w);
}
END_TEST

/* ---- tshark ---- */

/* Runs tshark with ARGS on FILE; its stdout (exit status 0 asserted). */
static char *tshark(const char *prog, const char *file, const char *const *args)
{
	GPtrArray *argv = g_ptr_array_new();
	char *out = NULL, *err = NULL;
	int status = -1;
	GError *error = NULL;

	g_ptr_array_add(argv, (char *)prog);
	g_ptr_array_add(argv, (char *)"-n");
	g_ptr_array_add(argv, (char *)"-r");
	g_ptr_array_add(argv, (char *)file);
	for (; *args != NULL; args++)
		g_ptr_array_add(argv, (char *)*args);
	g_ptr_array_add(argv, NULL);
	ck_assert_msg(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
				   &out, &err, &status, &error),
		      "cannot run tshark: %s", error != NULL ? error->message : "?");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "tshark failed: %s", err);
	g_free(err);
	g_ptr_array_free(argv, TRUE);
	return out;
}

/* The count sip,stat's text OUT gives for the row LABEL ("INVITE", "200 OK"), or -1. */
static long sip_stat_count(const char *out, const char *label)
{
	char **lines = g_strsplit(out, "\n", -1);
	long n = -1;

	for (char **l = lines; *l != NULL && n < 0; l++) {
		const char *p = *l;
		size_t len = strlen(label);

		while (*p == ' ')
			p++;
		if (strncmp(p, label, len) == 0 && p[len] == ' ') {
			p += len;
			while (*p == ' ' || *p == ':')
				p++;
			n = strtol(p, NULL, 10);
		}
	}
	g_strfreev(lines);
	return n;
}

START_TEST(test_tshark)
{
	/* given the script's capture written into the build dir */
	char *prog = g_find_program_in_path("tshark");
	const char *file = TOP_BUILDDIR "/tests/check_pcap.pcap";
	struct world *w;
	GError *error = NULL;

	if (prog == NULL) {
		printf("check_pcap: tshark not found: skipping the tshark checks\n");
		return;
	}
	w = script_world();
	ck_assert_msg(g_file_set_contents(file, (const char *)pcap_writer_bytes(w->pcap)->data,
					  pcap_writer_bytes(w->pcap)->len, &error),
		      "%s", error != NULL ? error->message : "?");

	/* when tshark dissects it with every checksum check on */
	static const char *const fields[] = {
		"-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-o", "tcp.check_checksum:TRUE", "-T", "fields", "-e", "frame.number",
		"-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "sip.Method",
		"-e", "sip.Status-Code", NULL,
	};
	static const char *const malformed[] = {
		"-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-o", "tcp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= "
		"error || ip.checksum.status == 0 || udp.checksum.status == 0 || "
		"tcp.checksum.status == 0", NULL,
	};
	static const char *const stat[] = { "-q", "-z", "sip,stat", NULL };
	char *f = tshark(prog, file, fields);
	char *bad = tshark(prog, file, malformed);
	char *s = tshark(prog, file, stat);

	printf("check_pcap: tshark -T fields:\n%s", f);
	printf("check_pcap: tshark sip,stat:\n%s", s);
	/* then no frame is malformed or has a bad checksum */
	ck_assert_str_eq(bad, "");
	/* and tshark reads each frame as the message sent (fragment and first segment: no SIP
	   yet, the message shows once reassembled), with no expert item at all */
	GString *want = g_string_new(NULL);
	for (size_t i = 0, frame = 1; i < N_STEPS; i++, frame++) {
		const char *first = script[i].first;
		bool response = g_str_has_prefix(first, "SIP/2.0 ");
		int wlen = (int)strcspn(response ? first + 8 : first, " ");

		if (script[i].body == BODY_BIG)
			g_string_append_printf(want, "%zu\t\t\t\t\n", frame++);
		g_string_append_printf(want, "%zu\t\t\t%.*s\t%.*s\n", frame,
				       response ? 0 : wlen, first, response ? wlen : 0,
				       response ? first + 8 : "");
	}
	ck_assert_str_eq(f, want->str);
	g_string_free(want, TRUE);
	ck_assert(strstr(s, "Number of SIP messages: 17\n") != NULL);
	/* and SIP counts every message of the script, the clear TLS segments on 5061 included */
	ck_assert_int_eq(sip_stat_count(s, "REGISTER"), 1);
	ck_assert_int_eq(sip_stat_count(s, "INVITE"), 1);
	ck_assert_int_eq(sip_stat_count(s, "ACK"), 1);
	ck_assert_int_eq(sip_stat_count(s, "BYE"), 1);
	ck_assert_int_eq(sip_stat_count(s, "OPTIONS"), 3);
	ck_assert_int_eq(sip_stat_count(s, "MESSAGE"), 3);
	ck_assert_int_eq(sip_stat_count(s, "SIP 100 Trying"), 1);
	ck_assert_int_eq(sip_stat_count(s, "SIP 180 Ringing"), 1);
	ck_assert_int_eq(sip_stat_count(s, "SIP 200 OK"), 5);
	g_free(f);
	g_free(bad);
	g_free(s);
	g_free(prog);
	world_free(w);
}
END_TEST

START_TEST(test_nat_tshark)
{
	/* given the NAT world's file written into the build dir (over test_tshark's file: the
	   tests run one after the other, and tests/local.mk cleans that one name) */
	char *prog = g_find_program_in_path("tshark");
	const char *file = TOP_BUILDDIR "/tests/check_pcap.pcap";
	struct nat_world *w;
	GError *error = NULL;
	char ip1[16], ip2[16];

	if (prog == NULL) {
		printf("check_pcap: tshark not found: skipping the NAT tshark checks\n");
		return;
	}
	w = nat_world_new(NAT_TAKEN);
	ck_assert_msg(g_file_set_contents(file, (const char *)pcap_writer_bytes(w->pcap)->data,
					  pcap_writer_bytes(w->pcap)->len, &error),
		      "%s", error != NULL ? error->message : "?");

	/* when tshark dissects it with every checksum check on */
	static const char *const fields[] = {
		"-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-o", "tcp.check_checksum:TRUE", "-T", "fields", "-e", "ip.src", "-e",
		"udp.srcport", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e",
		"tcp.dstport", "-e", "sip.Method", "-e", "sip.Status-Code", NULL,
	};
	static const char *const malformed[] = {
		"-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-o", "tcp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= "
		"error || ip.checksum.status == 0 || udp.checksum.status == 0 || "
		"tcp.checksum.status == 0", NULL,
	};
	char *f = tshark(prog, file, fields);
	char *bad = tshark(prog, file, malformed);

	printf("check_pcap: tshark -T fields on the NAT capture:\n%s", f);
	/* then nothing is malformed, and every frame is the SIP message of its row between the
	   addresses the table says: the phone shows as 203.0.113.50:1024 (UDP) or :1025 (TCP) */
	ck_assert_str_eq(bad, "");
	GString *want = g_string_new(NULL);
	for (size_t i = 0; i < N_NAT; i++) {
		const struct nat_step *s = &nat_script[i];
		bool udp = s->via == SIM_NET_UDP, response = g_str_has_prefix(s->first, "SIP/2.0 ");
		const char *word = response ? s->first + 8 : s->first;
		int wlen = (int)strcspn(word, " ");

		char sp[8], dp[8];

		g_snprintf(sp, sizeof(sp), "%u", s->want_src.port);
		g_snprintf(dp, sizeof(dp), "%u", s->want_dst.port);
		/* ip.src, udp.srcport, tcp.srcport, ip.dst, udp.dstport, tcp.dstport, method, code */
		g_string_append_printf(want, "%s\t%s\t%s\t%s\t%s\t%s\t%.*s\t%.*s\n",
				       sim_ip_str(s->want_src.ip, ip1, sizeof(ip1)), udp ? sp : "",
				       udp ? "" : sp, sim_ip_str(s->want_dst.ip, ip2, sizeof(ip2)),
				       udp ? dp : "", udp ? "" : dp, response ? 0 : wlen, word,
				       response ? wlen : 0, word);
	}
	ck_assert_str_eq(f, want->str);
	g_string_free(want, TRUE);
	g_free(f);
	g_free(bad);
	g_free(prog);
	nat_world_free(w);
}
END_TEST

/* The pcap suite. */
static Suite *pcap_suite(void)
{
	Suite *s = suite_create("pcap");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_global_header);
	tcase_add_loop_test(tc, test_record, 0, (int)N_SMALL);
	tcase_add_test(tc, test_tcp_sequence);
	tcase_add_test(tc, test_fragmented_datagram);
	tcase_add_test(tc, test_split_segment);
	tcase_add_test(tc, test_udp_checksum_zero_sent_as_ffff);
	tcase_add_test(tc, test_deterministic);
	suite_add_tcase(s, tc);
	tc = tcase_create("nat");
	tcase_add_loop_test(tc, test_nat_record, 0, (int)N_NAT);
	tcase_add_test(tc, test_nat_time_order);
	tcase_add_test(tc, test_nat_holding);
	tcase_add_test(tc, test_nat_drop_once);
	tcase_add_test(tc, test_nat_tcp);
	suite_add_tcase(s, tc);
	tc = tcase_create("tshark");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tshark);
	tcase_add_test(tc, test_nat_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pcap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
