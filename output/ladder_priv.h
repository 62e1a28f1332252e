/*
 * ladder_priv.h - what the ladder's own renderers (ladder_text.c) read beyond ladder.h: the
 * datagram behind a SIP row, and the one text clean-up every drawn string goes through.
 * Private to output/: other outputs use ladder.h only.
 */
#ifndef OSSIM_OUTPUT_LADDER_PRIV_H
#define OSSIM_OUTPUT_LADDER_PRIV_H

#include <stddef.h>

#include <glib.h>

#include "sim/net.h"

struct ladder;

/* The datagram (or stream segment) a SIP row stands for. */
struct ladder_datagram {
	GBytes *data;              /* the bytes exactly as sent */
	struct sim_addr src;       /* as sent */
	struct sim_addr dst;       /* where it arrived or died (after any NAT rewrite); as sent
				      while in flight or when lost on the link */
	enum sim_net_proto proto;
};

/* The datagram of row I, or NULL when row I is a note. */
const struct ladder_datagram *ladder_datagram_at(const struct ladder *l, size_t i);

/* A printable copy of S (g_free it): invalid UTF-8 replaced (U+FFFD), every control character
   (C0, DEL) turned into a space, so one character is one column. NULL gives "". */
char *ladder_clean(const char *s);

#endif
