/*
 * pcap.h - the capture of a run: every SIP datagram and stream segment as it crossed the
 * simulated wire, written as a classic libpcap file (DIR/capture.pcap) that Wireshark, tshark
 * and sngrep open like any capture.
 *
 * The writer subscribes to SIM_TRACE_NET_SEND and turns each packet with data into one
 * Ethernet/IPv4/UDP or Ethernet/IPv4/TCP frame, stamped at its send time, with the addresses as
 * sent (a NAT's rewrite shows as the datagram it re-emits). The file is built in memory; the
 * caller writes it out in one go (g_file_set_contents) so nothing is half-written.
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
 *   direction (src -> dst address pair) from 1, advancing by the payload, ack = the reverse
 *   direction's next sequence number (0 while it has sent nothing). No SYN or FIN: the network
 *   does not trace opens and closes. TLS segments carry the SIP text in clear on the TLS port:
 *   a simulation has no keys, and clear text is what a reader of the capture wants.
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

/* A writer recording every datagram SIM's network sends from now on. Free it before SIM. */
struct pcap_writer *pcap_writer_new(struct sim *sim);
/* Unsubscribes and frees W (NULL is ignored). */
void pcap_writer_free(struct pcap_writer *w);
/* The whole file so far (global header and every record), borrowed. */
const GByteArray *pcap_writer_bytes(const struct pcap_writer *w);
/* Records written so far (a fragmented datagram or split segment counts each frame). */
size_t pcap_writer_count(const struct pcap_writer *w);

#endif
