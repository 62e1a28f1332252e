/*
 * pcap.c - the capture writer: turns every packet the network sends with data into one
 * classic libpcap record (Ethernet II / IPv4 / UDP or TCP), appended to an in-memory file, as a
 * tap on the call server's side of every NAT sees it. See pcap.h for the point of view and the
 * format (epoch, MACs, sequence numbers, TLS in clear).
 *
 * A packet is held from its SEND trace point until its DELIVER or DROP gives its source after
 * the forward hook; the held packets form a queue in (send time, id) order and the queue's
 * head is written as soon as its fate is known, so the file is in send order although fates
 * come in arrival order. The network sends in that order already (ids count sends, each
 * stamped with the time of its send call), so holding costs one queue entry per packet in
 * flight, and a packet whose fate never comes (still in flight at the end) holds the ones
 * behind it until the file is taken.
 *
 * Multi-byte fields of the pcap headers are written little-endian, whatever the host, so the
 * file is byte-identical on every machine; the frames themselves are in network byte order.
 * The tables (TCP directions for sequence numbers, held packets by id) are looked up, never
 * iterated, so hash order never reaches the file.
 */
#include "config.h"

#include <string.h>

#include "output/pcap.h"
#include "sim/net.h"
#include "sim/sim.h"

#define PCAP_MAGIC 0xa1b2c3d4u        /* microsecond timestamps */
#define PCAP_LINKTYPE_ETHERNET 1u     /* https://www.tcpdump.org/linktypes.html */
#define PCAP_GLOBAL_LEN 24
#define PCAP_RECORD_LEN 16
#define PCAP_ETH_LEN 14
#define PCAP_IP_LEN 20                /* IHL 5: no options */
#define PCAP_UDP_LEN 8
#define PCAP_TCP_LEN 20               /* data offset 5: no options */
#define PCAP_ETHERTYPE_IPV4 0x0800u
#define PCAP_IPPROTO_TCP 6u
#define PCAP_IPPROTO_UDP 17u
#define PCAP_IP_DF 0x4000u            /* RFC 791 3.1: Don't Fragment */
#define PCAP_IP_MF 0x2000u            /* ... More Fragments */
#define PCAP_TCP_PSH_ACK 0x18u
#define PCAP_IP_ROOM (PCAP_SNAPLEN - PCAP_ETH_LEN - PCAP_IP_LEN)
/* Largest fragment payload that fits the snaplen: fragment offsets count 8-byte units. */
#define PCAP_FRAG_MAX (PCAP_IP_ROOM / 8 * 8)
/* Largest TCP payload per frame. */
#define PCAP_TCP_MAX (PCAP_IP_ROOM - PCAP_TCP_LEN)

/* What a record needs of a packet: copied at SEND (trace payloads are borrowed). */
struct pcap_pkt {
	uint64_t id;
	enum sim_net_proto proto;
	struct sim_addr src;     /* as sent; the source after the hook once the fate is known */
	struct sim_addr dst;     /* as sent, always */
	int64_t sent_at;
	GBytes *data;            /* a reference to the bytes sent (GBytes never change) */
	bool fated;              /* its DELIVER or DROP came */
};

struct pcap_writer {
	struct sim *sim;
	struct sim_trace_sub *sub_send, *sub_deliver, *sub_drop;
	GByteArray *file;
	size_t records;
	GHashTable *flows;       /* struct pcap_flow * -> itself: one per TCP direction */
	GQueue held;             /* struct pcap_pkt *, in (sent_at, id) order, not yet written */
	GHashTable *by_id;       /* &pkt->id -> struct pcap_pkt *, the held packets */
};

/* One direction of a TCP connection, as the capture numbers it. */
struct pcap_flow {
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	uint32_t next_seq;       /* sequence number of the next payload byte; starts at 1 */
};

/* Hash of a flow's address pair. */
static guint pcap_flow_hash(gconstpointer p)
{
	const struct pcap_flow *f = p;
	guint h = f->src_ip;

	h = h * 31u + f->dst_ip;
	h = h * 31u + f->src_port;
	return h * 31u + f->dst_port;
}

/* Equality of two flows' address pairs. */
static gboolean pcap_flow_equal(gconstpointer a, gconstpointer b)
{
	const struct pcap_flow *x = a, *y = b;

	return x->src_ip == y->src_ip && x->dst_ip == y->dst_ip && x->src_port == y->src_port &&
	       x->dst_port == y->dst_port;
}

/* Frees a held packet (a GDestroyNotify). */
static void pcap_pkt_free(void *arg)
{
	struct pcap_pkt *p = arg;

	g_bytes_unref(p->data);
	g_free(p);
}

/* ---- byte writers ---- */

/* Stores V big-endian (network order) at P. */
static void pcap_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Stores V big-endian at P. */
static void pcap_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Stores V little-endian at P (the pcap headers' fixed byte order). */
static void pcap_put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* RFC 1071: adds LEN bytes at P to the running one's-complement SUM as 16-bit big-endian
   words; an odd last byte is padded with zero (so only the last piece may be odd). */
static uint32_t pcap_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		sum = (sum & 0xffffu) + (sum >> 16);
	}
	if (len % 2 != 0) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffffu) + (sum >> 16);
	}
	return sum;
}

/* RFC 768/793: the checksum of an L4 segment, over the pseudo-header (source and destination
   addresses, zero, protocol, L4 length), the L4 header HDR (checksum field zero) and PAYLOAD. */
static uint16_t pcap_l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *hdr,
				 size_t hdr_len, const uint8_t *payload, size_t len)
{
	uint8_t pseudo[12];
	uint32_t sum;

	pcap_put32(pseudo, src);
	pcap_put32(pseudo + 4, dst);
	pseudo[8] = 0;
	pseudo[9] = proto;
	pcap_put16(pseudo + 10, (uint32_t)(hdr_len + len));
	sum = pcap_sum(0, pseudo, sizeof(pseudo));
	sum = pcap_sum(sum, hdr, hdr_len);
	sum = pcap_sum(sum, payload, len);
	return (uint16_t)~sum;
}

/* Stores the locally administered MAC 02:00:a:b:c:d of IPv4 address IP at P. */
static void pcap_mac(uint8_t *p, uint32_t ip)
{
	p[0] = 0x02;
	p[1] = 0x00;
	pcap_put32(p + 2, ip);
}

/*
 * Appends one record: Ethernet, an IPv4 header (protocol PROTO, identification ID, flags and
 * fragment offset FRAG) and the IP payload made of L4 (L4_LEN bytes, may be 0) then DATA,
 * stamped at PKT's send time.
 */
static void pcap_frame(struct pcap_writer *w, const struct pcap_pkt *pkt, uint8_t proto,
		       uint32_t frag, const uint8_t *l4, size_t l4_len, const uint8_t *data,
		       size_t len)
{
	uint8_t hdr[PCAP_RECORD_LEN + PCAP_ETH_LEN + PCAP_IP_LEN];
	uint8_t *eth = hdr + PCAP_RECORD_LEN;
	uint8_t *ip = eth + PCAP_ETH_LEN;
	size_t ip_len = PCAP_IP_LEN + l4_len + len;
	size_t frame_len = PCAP_ETH_LEN + ip_len;
	int64_t usec = pkt->sent_at / SIM_US;

	g_assert(frame_len <= PCAP_SNAPLEN);
	/* Record header: ts_sec (32 bits: good until 2106), ts_usec, incl_len, orig_len. */
	pcap_put32le(hdr, (uint32_t)(PCAP_EPOCH + usec / 1000000));
	pcap_put32le(hdr + 4, (uint32_t)(usec % 1000000));
	pcap_put32le(hdr + 8, (uint32_t)frame_len);
	pcap_put32le(hdr + 12, (uint32_t)frame_len);
	pcap_mac(eth, pkt->dst.ip);
	pcap_mac(eth + 6, pkt->src.ip);
	pcap_put16(eth + 12, PCAP_ETHERTYPE_IPV4);
	/* RFC 791 3.1 */
	ip[0] = 0x45;                          /* version 4, IHL 5 words */
	ip[1] = 0;                             /* DSCP/ECN */
	pcap_put16(ip + 2, (uint32_t)ip_len);
	pcap_put16(ip + 4, (uint32_t)(pkt->id & 0xffffu));
	pcap_put16(ip + 6, frag);
	ip[8] = 64;                            /* TTL */
	ip[9] = proto;
	pcap_put16(ip + 10, 0);
	pcap_put32(ip + 12, pkt->src.ip);
	pcap_put32(ip + 16, pkt->dst.ip);
	pcap_put16(ip + 10, (uint16_t)~pcap_sum(0, ip, PCAP_IP_LEN));
	g_byte_array_append(w->file, hdr, sizeof(hdr));
	if (l4_len > 0)
		g_byte_array_append(w->file, l4, (guint)l4_len);
	if (len > 0)
		g_byte_array_append(w->file, data, (guint)len);
	w->records++;
}

/* Appends the UDP datagram PKT (DATA, LEN bytes), fragmented when it outgrows a frame. */
static void pcap_udp(struct pcap_writer *w, const struct pcap_pkt *pkt,
		     const uint8_t *data, size_t len)
{
	uint8_t udp[PCAP_UDP_LEN];
	uint16_t sum;
	size_t off, total, part;

	/* RFC 768 */
	pcap_put16(udp, pkt->src.port);
	pcap_put16(udp + 2, pkt->dst.port);
	pcap_put16(udp + 4, (uint32_t)(PCAP_UDP_LEN + len));
	pcap_put16(udp + 6, 0);
	sum = pcap_l4_checksum(pkt->src.ip, pkt->dst.ip, PCAP_IPPROTO_UDP, udp, sizeof(udp), data,
			       len);
	/* RFC 768: a computed zero is transmitted as all ones (zero means "no checksum"). */
	pcap_put16(udp + 6, sum == 0 ? 0xffffu : sum);
	total = PCAP_UDP_LEN + len;
	if (total <= PCAP_IP_ROOM) {
		pcap_frame(w, pkt, PCAP_IPPROTO_UDP, PCAP_IP_DF, udp, sizeof(udp), data, len);
		return;
	}
	/* RFC 791 2.3: fragments of the IP payload (UDP header + data), offsets in 8-byte units.
	   The first one holds the UDP header, so its data part is PCAP_UDP_LEN shorter. */
	for (off = 0; off < total; off += part) {
		bool first = off == 0;
		uint32_t frag = (uint32_t)(off / 8);

		part = MIN(PCAP_FRAG_MAX, total - off);
		if (off + part < total)
			frag |= PCAP_IP_MF;
		if (first)
			pcap_frame(w, pkt, PCAP_IPPROTO_UDP, frag, udp, sizeof(udp), data,
				   part - PCAP_UDP_LEN);
		else
			pcap_frame(w, pkt, PCAP_IPPROTO_UDP, frag, NULL, 0,
				   data + off - PCAP_UDP_LEN, part);
	}
}

/* The flow of direction SRC -> DST, created (next_seq 1) when CREATE, else NULL if unseen. */
static struct pcap_flow *pcap_flow(struct pcap_writer *w, const struct sim_addr *src,
				   const struct sim_addr *dst, bool create)
{
	struct pcap_flow key = {
		.src_ip = src->ip, .dst_ip = dst->ip, .src_port = src->port, .dst_port = dst->port,
	};
	struct pcap_flow *f = g_hash_table_lookup(w->flows, &key);

	if (f == NULL && create) {
		f = g_new(struct pcap_flow, 1);
		*f = key;
		f->next_seq = 1;
		g_hash_table_add(w->flows, f);
	}
	return f;
}

/* Appends the stream segment PKT (DATA, LEN bytes) as TCP segments of at most a frame each. */
static void pcap_tcp(struct pcap_writer *w, const struct pcap_pkt *pkt,
		     const uint8_t *data, size_t len)
{
	struct pcap_flow *f = pcap_flow(w, &pkt->src, &pkt->dst, true);
	const struct pcap_flow *rev = pcap_flow(w, &pkt->dst, &pkt->src, false);
	uint8_t tcp[PCAP_TCP_LEN];
	size_t off, part;

	for (off = 0; off < len; off += part) {
		part = MIN(PCAP_TCP_MAX, len - off);
		/* RFC 793 3.1 */
		pcap_put16(tcp, pkt->src.port);
		pcap_put16(tcp + 2, pkt->dst.port);
		pcap_put32(tcp + 4, f->next_seq);
		pcap_put32(tcp + 8, rev != NULL ? rev->next_seq : 0);
		tcp[12] = (PCAP_TCP_LEN / 4) << 4;   /* data offset in words */
		tcp[13] = PCAP_TCP_PSH_ACK;
		pcap_put16(tcp + 14, 0xffffu);       /* window */
		pcap_put16(tcp + 16, 0);             /* checksum, below */
		pcap_put16(tcp + 18, 0);             /* urgent pointer */
		pcap_put16(tcp + 16, pcap_l4_checksum(pkt->src.ip, pkt->dst.ip, PCAP_IPPROTO_TCP,
						      tcp, sizeof(tcp), data + off, part));
		pcap_frame(w, pkt, PCAP_IPPROTO_TCP, PCAP_IP_DF, tcp, sizeof(tcp), data + off,
			   part);
		f->next_seq += (uint32_t)part;       /* wraps modulo 2^32, as TCP's does */
	}
}

/* Writes the records of P (one, or more for what outgrows a frame, see pcap.h). */
static void pcap_write(struct pcap_writer *w, const struct pcap_pkt *p)
{
	gsize len;
	const uint8_t *data = g_bytes_get_data(p->data, &len);

	if (p->proto == SIM_NET_UDP)
		pcap_udp(w, p, data, len);
	else
		pcap_tcp(w, p, data, len);
}

/* Writes and forgets the head of the held queue, once (ALL) or while its fate is known. */
static void pcap_release(struct pcap_writer *w, bool all)
{
	struct pcap_pkt *p;

	while ((p = g_queue_peek_head(&w->held)) != NULL && (all || p->fated)) {
		g_queue_pop_head(&w->held);
		g_hash_table_remove(w->by_id, &p->id);
		pcap_write(w, p);
		pcap_pkt_free(p);
	}
}

/* True when held packet A goes after B in the file: (send time, id) order. */
static bool pcap_after(const struct pcap_pkt *a, const struct pcap_pkt *b)
{
	return a->sent_at != b->sent_at ? a->sent_at > b->sent_at : a->id > b->id;
}

/* SEND subscriber: holds a copy of every packet with data until its fate is known. */
static void pcap_on_send(const struct sim_trace_point *tp, void *arg)
{
	struct pcap_writer *w = arg;
	const struct sim_net_packet *pkt = tp->payload;
	struct pcap_pkt *p;
	GList *at;

	if (pkt->data == NULL || g_bytes_get_size(pkt->data) == 0)
		return;              /* stream opens and closes carry nothing to show */
	p = g_new(struct pcap_pkt, 1);
	*p = (struct pcap_pkt){
		.id = pkt->id, .proto = pkt->proto, .src = pkt->src, .dst = pkt->dst,
		.sent_at = pkt->sent_at, .data = g_bytes_ref(pkt->data),
	};
	/* Almost always the tail: the network numbers and stamps packets in send order. A
	   packet sent after the file was taken cannot go before one already written either,
	   since that one was sent no later than now. */
	for (at = w->held.tail; at != NULL && pcap_after(at->data, p); at = at->prev)
		;
	if (at == NULL)
		g_queue_push_head(&w->held, p);
	else
		g_queue_insert_after(&w->held, at, p);
	g_hash_table_insert(w->by_id, &p->id, p);
}

/* DELIVER and DROP subscriber: the packet's fate, and its source after the forward hook (the
   source as sent for a link loss, which the hook never sees). Packets not held (no data, sent
   before the writer existed, or written when the file was taken) are ignored. */
static void pcap_on_fate(const struct sim_trace_point *tp, void *arg)
{
	struct pcap_writer *w = arg;
	const struct sim_net_packet *pkt = tp->payload;
	struct pcap_pkt *p = g_hash_table_lookup(w->by_id, &pkt->id);

	if (p == NULL || p->fated)
		return;
	p->src = pkt->src;
	p->fated = true;
	pcap_release(w, false);
}

/* A writer on SIM with the global header written. */
struct pcap_writer *pcap_writer_new(struct sim *sim)
{
	struct pcap_writer *w;
	uint8_t hdr[PCAP_GLOBAL_LEN];

	g_return_val_if_fail(sim != NULL, NULL);
	w = g_new0(struct pcap_writer, 1);
	w->sim = sim;
	w->file = g_byte_array_new();
	w->flows = g_hash_table_new_full(pcap_flow_hash, pcap_flow_equal, g_free, NULL);
	g_queue_init(&w->held);
	w->by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	pcap_put32le(hdr, PCAP_MAGIC);
	hdr[4] = 2;                 /* version_major, little-endian 16 bits */
	hdr[5] = 0;
	hdr[6] = 4;                 /* version_minor */
	hdr[7] = 0;
	pcap_put32le(hdr + 8, 0);   /* thiszone: timestamps are UTC */
	pcap_put32le(hdr + 12, 0);  /* sigfigs */
	pcap_put32le(hdr + 16, PCAP_SNAPLEN);
	pcap_put32le(hdr + 20, PCAP_LINKTYPE_ETHERNET);
	g_byte_array_append(w->file, hdr, sizeof(hdr));
	w->sub_send = sim_trace_subscribe(sim, SIM_TRACE_NET_SEND, pcap_on_send, w);
	w->sub_deliver = sim_trace_subscribe(sim, SIM_TRACE_NET_DELIVER, pcap_on_fate, w);
	w->sub_drop = sim_trace_subscribe(sim, SIM_TRACE_NET_DROP, pcap_on_fate, w);
	return w;
}

/* Unsubscribes and frees W. */
void pcap_writer_free(struct pcap_writer *w)
{
	if (w == NULL)
		return;
	sim_trace_unsubscribe(w->sim, w->sub_send);
	sim_trace_unsubscribe(w->sim, w->sub_deliver);
	sim_trace_unsubscribe(w->sim, w->sub_drop);
	g_hash_table_destroy(w->by_id);
	g_queue_clear_full(&w->held, pcap_pkt_free);
	g_byte_array_unref(w->file);
	g_hash_table_destroy(w->flows);
	g_free(w);
}

/* Writes what is still held, as sent, and returns the file. */
const GByteArray *pcap_writer_bytes(struct pcap_writer *w)
{
	pcap_release(w, true);
	return w->file;
}

/* Records so far. */
size_t pcap_writer_count(const struct pcap_writer *w)
{
	return w->records;
}

/* Packets held. */
size_t pcap_writer_held(const struct pcap_writer *w)
{
	return w->held.length;
}
