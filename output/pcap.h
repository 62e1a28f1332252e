/*
 * pcap.h - the capture of a run: every SIP datagram and stream segment as it crossed the
 * simulated wire, written as a classic libpcap file (DIR/capture.pcap) that Wireshark, tshark
 * and sngrep open like any capture. docs/capture.md is the reader's guide.
 *
 * Point of view: a tap on the call server's LAN, that is on the call server's side of every
 * NAT boundary (the network's forward hook, sim_net_set_hook). Each packet sent with data is
 * one record (or more, see below), written exactly once:
 * - stamped at its send time;
 * - destination: the address its sender addressed, as sent (the call server's reply to a
 *   NAT's public mapping keeps the public address and port);
 * - source: the source it had when it was delivered or dropped, after the forward hook (a
 *   phone's request leaving its NAT shows the NAT's public address and mapped port), else as
 *   sent. A datagram lost on the link never meets the hook: it is recorded as sent; one the
 *   hook or routing dropped carries whatever rewrite the hook made before it died.
 * So a phone behind a NAT and the call server read as one conversation, between the public
 * mapping and the server, as they would in a capture taken at the server. Nothing is left
 * out: dropped packets are recorded too, as a tap before the drop would have seen them.
 *
 * How: the writer subscribes to SIM_TRACE_NET_SEND, _DELIVER and _DROP. It holds each packet
 * from its SEND (a copy of the addresses, a reference to the bytes) until its DELIVER or DROP
 * tells its final source, and writes records in (send time, id) order as soon as every
 * earlier packet is written too. Packets whose fate has not come when the file is taken
 * (pcap_writer_bytes; in flight at the end of a run) are written then, as sent. The file is
 * built in memory; the caller writes it out in one go (g_file_set_contents) so nothing is
 * half-written.
 *
 * The file (https://wiki.wireshark.org/Development/LibpcapFileFormat), always little-endian so
 * a run gives the same bytes on every machine:
 * - global header: magic 0xa1b2c3d4 (microseconds), version 2.4, thiszone 0, sigfigs 0,
 *   snaplen 65535, LINKTYPE_ETHERNET (1);
 * - per record: ts = PCAP_EPOCH (2026-01-01T00:00:00Z) + simulated time, microseconds
 *   truncated from nanoseconds;
 * - Ethernet II: locally administered MACs 02:00:a:b:c:d from the IPv4 address a.b.c.d;
 * - IPv4 (RFC 791): IHL 5, TTL 64, DF, identification = packet id & 0xffff, header checksum;
 * - UDP (RFC 768) with its checksum over the pseudo-header (a computed 0 is sent as 0xffff);
 * - TCP (RFC 793) for TCP and TLS segments: PSH|ACK, window 65535, sequence numbers per
 *   direction (src -> dst address pair, the recorded addresses) from 1, advancing by the
 *   payload, ack = the reverse direction's next sequence number (0 while it has sent nothing).
 *   No SYN or FIN: the network does not trace opens and closes. TLS segments carry the SIP
 *   text in clear on the TLS port: a simulation has no keys, and clear text is what a reader
 *   of the capture wants.
 * What does not fit a 65535-byte frame (never a real SIP message, but the network allows it):
 * a UDP datagram over 65493 bytes becomes IPv4 fragments (RFC 791, DF clear, MF on all but the
 * last; Wireshark reassembles them), a stream segment over 65481 bytes becomes several TCP
 * segments. So no record is ever truncated and every byte sent is in the file.
 */
#ifndef OSSIM_OUTPUT_PCAP_H
#define OSSIM_OUTPUT_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

struct sim;
struct pcap_writer;

/* Seconds of the capture's time origin: 2026-01-01T00:00:00Z, simulated time 0. */
#define PCAP_EPOCH ((int64_t)1767225600)
/* The global header's snaplen: the largest frame a record holds. */
#define PCAP_SNAPLEN 65535u

/* A writer recording every packet SIM's network sends from now on. Free it before SIM. */
struct pcap_writer *pcap_writer_new(struct sim *sim);
/* Unsubscribes and frees W, packets still held included (NULL is ignored). */
void pcap_writer_free(struct pcap_writer *w);
/*
 * Takes the file: writes every packet still held (its fate unknown: in flight) as sent, then
 * returns the whole file (global header and every record), borrowed until the next call on W.
 * Idempotent and O(packets held). The writer goes on recording: a later DELIVER or DROP of a
 * packet written here is ignored (its record is final), later packets follow in order.
 */
const GByteArray *pcap_writer_bytes(struct pcap_writer *w);
/* Records in the file so far (a fragmented datagram or split segment counts each frame);
   packets still held are not counted until they are written. */
size_t pcap_writer_count(const struct pcap_writer *w);
/* Packets held, waiting for their own fate or for an earlier packet's. */
size_t pcap_writer_held(const struct pcap_writer *w);

#endif
