/*
 * ladder.h - the ladder model of a run and its text form: one lane per named entity, one row per
 * SIP datagram or ladder note, in time order. It only subscribes to the trace bus (datagram sent,
 * delivered and dropped; SIM_TRACE_EVENT notes; SIM_TRACE_CALL points) and reads the bytes with
 * the SIP layer's parser to label them; it never looks into a model.
 *
 * Rows:
 * - a datagram: at its send time, from the sender's lane (the SEND host) to the lane it reached
 *   (the DELIVER host), or, when dropped, to the lane where it died (the DROP's destination host;
 *   for link loss the SEND's destination) with the drop reason kept. A datagram that crossed a
 *   NAT (SIM_NOTE_CROSS with its id) remembers the NAT's lane; one that a middlebox dropped
 *   (a CROSS note, then a drop by the network's forward hook) ends at the middlebox's lane.
 * - a note: an action on one lane, a TDM signal between two lanes, media starting or stopping
 *   between two lanes.
 * Labels never hold volatile values (branch, tag, Call-ID, nonce), so a golden ladder is stable:
 * - a request: its method; an initial INVITE adds the Request-URI user ("INVITE 218"); a
 *   re-INVITE adds "(hold) sendonly" / "(hold) inactive" / "(resume)" from its SDP direction;
 *   a REGISTER carrying Authorization adds "(auth)", one with Expires: 0 "(unregister)";
 * - a response: "<code> <reason as sent>"; a response to REGISTER that grants an expiry adds it
 *   ("200 OK (expires 600)");
 * - bytes that are only CR/LF: "keep-alive"; anything else the parser refuses: "(malformed)";
 * - a datagram with the very bytes of an earlier one between the same two addresses adds
 *   " (retransmission)" (keep-alives excepted: they repeat by design).
 *
 * Narrowing (a long run's picture cut down to chosen calls, ladder_narrow): the call server
 * numbers its calls 1, 2 ... and names, in its SIM_TRACE_CALL points, each call's parties (the
 * caller's and callee's lanes) and each SIP leg by its Call-ID (SIM_CALL_LEG). A narrowed ladder
 * holds, of the whole one:
 * - every SIP row whose Call-ID is a leg of a chosen call: requests, responses, ACK, CANCEL,
 *   BYE, retransmissions and dropped datagrams alike (REGISTER, keep-alives and anything of no
 *   call never);
 * - every note row (action, signal, media) that lies within a chosen call's span and touches
 *   one of its parties and otherwise only lanes that are no call's party (the server, the MGI,
 *   the MPS, a NAT). The span runs from the call's first SIP row or point, whichever is
 *   earlier, to its last SIP row or point, whichever is later, both ends included: so a
 *   digital phone's ring and answer, the MGI's media bars, and a call that has no SIP leg at
 *   all (TDM to TDM) are kept, while a registrar note on the server's lane, or another call's
 *   signal to another phone at the same moment, are not. A note of a phone that is a party of
 *   two calls at once goes with both.
 * Rows keep their labels, marks and drop reasons exactly as in the whole ladder (a
 * "(retransmission)" stays one even when the first copy belonged to no chosen call); lanes keep
 * the whole ladder's order, and those no kept row uses are left out.
 */
#ifndef OSSIM_OUTPUT_LADDER_H
#define OSSIM_OUTPUT_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

struct sim;
struct ladder;

enum ladder_row_kind {
	LADDER_ROW_SIP,          /* a datagram carrying SIP (or keep-alive, or malformed bytes) */
	LADDER_ROW_ACTION,       /* a note on one lane */
	LADDER_ROW_SIGNAL,       /* a non-SIP signal between two lanes */
	LADDER_ROW_MEDIA_UP,     /* media starts between two lanes */
	LADDER_ROW_MEDIA_DOWN,   /* ... and stops */
};

/* One row, as renderers read it (ladder_row_at). */
struct ladder_row {
	enum ladder_row_kind kind;
	int64_t time;            /* ns */
	size_t from, to;         /* lane indices (ladder_lane_at); ACTION: from == to */
	const char *label;
	bool failure;            /* a final response >= 300 other than 401/407 challenges */
	bool request;            /* SIP: a request (else a response or other bytes) */
	const char *dropped;     /* SIP: the drop reason, NULL when delivered */
	size_t crossed;          /* SIP: the lane of a NAT it crossed, or LADDER_NO_LANE */
	uint64_t packet;         /* SIP: the datagram id (sim_net_packet.id), else 0 */
};
#define LADDER_NO_LANE ((size_t)-1)

/* A ladder that records every datagram and note of SIM from now on. */
struct ladder *ladder_new(struct sim *sim);
/* Unsubscribes and frees. NULL is fine. */
void ladder_free(struct ladder *l);
/* Declares a lane, in order: lanes are drawn left to right in declaration order, followed by
 * lanes seen but never declared, in the order first seen. A declared lane that never appears in
 * any row is left out of the drawing. Declaring a lane twice keeps its first place. */
void ladder_lane(struct ladder *l, const char *name);

/* The drawn lanes (declared-and-used, then undeclared) and rows, for renderers. Rows are in time
 * order, ties in the order the events happened. Valid until the next trace point, ladder_lane
 * or free. */
size_t ladder_lane_count(const struct ladder *l);
const char *ladder_lane_at(const struct ladder *l, size_t i);
size_t ladder_row_count(const struct ladder *l);
const struct ladder_row *ladder_row_at(const struct ladder *l, size_t i);

/* The number of calls the call server numbered in this ladder: its highest call number seen
 * (0 when none); a narrowed ladder keeps the count of the one it came from. */
size_t ladder_call_count(const struct ladder *l);
/*
 * A new ladder that holds only the rows of the N calls CALLS of L (numbers as the server gave
 * them, in any order; repeated or unknown numbers are ignored, so none that exists gives a ladder
 * with no rows and no lanes), by the rules above. It is subscribed to nothing, so it may outlive
 * L and L's sim: free it with ladder_free; every accessor and writer takes it as it takes L.
 * L is not changed. O(rows x calls chosen).
 */
struct ladder *ladder_narrow(const struct ladder *l, const uint64_t *calls, size_t n);

/*
 * The text ladder (ladder.txt): a title line "# TITLE", a header of lane names centred over
 * their columns, then one line per row: the time in seconds with three decimals, then the lanes
 * as '|' columns with the row drawn across them:
 *     SIP      |----INVITE 218--->|   ('<' when right to left; 'X' instead of the head when
 *              dropped, followed after the last lane by "  (dropped: REASON)"; '+' on a crossed
 *              NAT lane)
 *     ACTION   [dial 2002] written from the lane's column
 *     SIGNAL   |~~~~ring~~~~>|
 *     MEDIA_UP |<====RTP PCMU====>|      MEDIA_DOWN |<....RTP PCMU stops....>|
 * Each gap between two neighbouring lanes is as wide as the longest label drawn across that gap
 * alone (plus room for the arrow), at least wide enough for the lane names; a row spanning several
 * gaps whose label does not fit widens the gaps it spans evenly. No trailing blanks. Deterministic.
 */
void ladder_write_text(const struct ladder *l, const char *title, GString *out);

/*
 * The messages file (messages.txt), for learners: every datagram in send order as
 *     ==== #N  T s  FROM (ip:port) -> TO (ip:port)  UDP|TCP|TLS[  dropped: REASON]
 * followed by its bytes exactly as sent, CRLF shown as LF, and an empty line. N is the row's
 * datagram number in this file (1, 2 ...), T as in the ladder with six decimals.
 */
void ladder_write_messages(const struct ladder *l, GString *out);

#endif
