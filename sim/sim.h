/*
 * sim.h - the discrete-event kernel of ossim: clock, future event set, timers, entities,
 * random-number streams and the trace bus.
 *
 * Contract (as ns-3's simulator.h states its own):
 * - Time is an int64_t count of nanoseconds since the start of the run (SIM_S etc. below).
 * - Events are totally ordered by (time, insertion sequence): events scheduled for the same
 *   time run in the order they were scheduled (FIFO). Every run is therefore reproducible.
 * - Scheduling an event before the current time is a programming error: the kernel prints
 *   what happened and aborts.
 * - There is no global state: a struct sim is a whole world, several may run in one process
 *   (tests, parallel replications), each on one thread at a time.
 * - Nothing here reads the wall clock or ambient randomness. Random draws come from GSL
 *   streams seeded from (scenario seed, replication, stable stream name).
 */
#ifndef OSSIM_SIM_H
#define OSSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#define SIM_NS ((int64_t)1)
#define SIM_US ((int64_t)1000)
#define SIM_MS ((int64_t)1000000)
#define SIM_S  ((int64_t)1000000000)
#define SIM_TIME_NEVER INT64_MAX

struct sim;

/* ---- the simulation context ------------------------------------------------------------- */

/* Creates an empty world at time 0 for one replication of a scenario run with SEED. */
struct sim *sim_new(uint64_t seed, unsigned replication);
/* Destroys every remaining entity (their destroy op cancels their timers), then the world. */
void sim_free(struct sim *sim);

int64_t sim_now(const struct sim *sim);
uint64_t sim_seed(const struct sim *sim);
unsigned sim_replication(const struct sim *sim);

/*
 * Runs events in order until none is left, sim_stop() is called, or the next event lies after
 * UNTIL (SIM_TIME_NEVER = no limit). When it stops because of UNTIL the clock is advanced to
 * UNTIL. Returns the number of events executed by this call.
 */
uint64_t sim_run(struct sim *sim, int64_t until);
/* Executes the single next event, if any. Returns false when the future event set is empty. */
bool sim_step(struct sim *sim);
/* Makes the running sim_run() return after the current event. */
void sim_stop(struct sim *sim);
/* Events executed since sim_new(). */
uint64_t sim_events_executed(const struct sim *sim);
/* Events currently scheduled. */
size_t sim_events_pending(const struct sim *sim);

/* ---- timers (the only kind of event) ----------------------------------------------------- */

typedef void (sim_timer_h)(struct sim *sim, void *arg);

/*
 * A timer is embedded in its owner and reused (libre's tmr): start it, cancel it, start it
 * again. The kernel never allocates for a timer. Fields are private to sim/.
 */
struct sim_timer {
	int64_t when;          /* expiry time while scheduled */
	uint64_t seq;          /* insertion sequence: breaks ties FIFO */
	sim_timer_h *h;
	void *arg;
	size_t heap_idx;       /* slot in the future event set; SIZE_MAX = not scheduled */
};

/* Prepares T; a zeroed timer is NOT valid, call this once before first use. */
void sim_timer_init(struct sim_timer *t);
/* (Re)starts T to fire DELAY (>= 0) nanoseconds from now; a pending T is rescheduled. */
void sim_timer_start(struct sim *sim, struct sim_timer *t, int64_t delay, sim_timer_h *h,
		     void *arg);
/* (Re)starts T to fire at absolute time WHEN; WHEN < now aborts with a message. */
void sim_timer_start_at(struct sim *sim, struct sim_timer *t, int64_t when, sim_timer_h *h,
			void *arg);
/* Stops T if pending. Idempotent; safe on a never-started timer and inside T's own handler. */
void sim_timer_cancel(struct sim *sim, struct sim_timer *t);
bool sim_timer_pending(const struct sim_timer *t);
/* Time left before T fires, or -1 when it is not pending. */
int64_t sim_timer_remaining(const struct sim *sim, const struct sim_timer *t);

/*
 * One-shot event without an owner (network deliveries, user actions): the kernel allocates a
 * timer from its free list, fires H(ARG) after DELAY and recycles it. It cannot be cancelled:
 * owners that may need to cancel embed a struct sim_timer instead.
 */
void sim_schedule(struct sim *sim, int64_t delay, sim_timer_h *h, void *arg);

/* ---- entities ---------------------------------------------------------------------------- */

struct sim_entity;

/* What differs between kinds of entity (phone, officeserv, mgi, nat ...). */
struct sim_entity_ops {
	const char *kind;
	/* Frees the owner of E; must cancel every timer the owner holds. May be NULL. */
	void (*destroy)(struct sim_entity *e);
};

/*
 * Embedded in its owner (container_of style). The name is stable across runs and unique in a
 * world: it appears in ladders and seeds the entity's random stream.
 */
struct sim_entity {
	struct sim *sim;
	char *name;
	const struct sim_entity_ops *ops;
	gsl_rng *rng;          /* created on first sim_entity_rng() */
	bool dying;            /* release requested; freed after the current event */
};

/* Registers E under NAME. Returns 0, or EEXIST when the name is taken. */
int sim_entity_init(struct sim *sim, struct sim_entity *e, const char *name,
		    const struct sim_entity_ops *ops);
/*
 * Removes E from the world and calls ops->destroy. If an event is being dispatched, this is
 * deferred until the event's handler has returned (never free the entity whose handler is
 * running); E stays findable until then but is marked dying. Releasing twice is harmless.
 */
void sim_entity_release(struct sim_entity *e);
struct sim_entity *sim_entity_find(const struct sim *sim, const char *name);
/* The entity's own stream, seeded from (seed, replication, name). */
gsl_rng *sim_entity_rng(struct sim_entity *e);

/* ---- random-number streams --------------------------------------------------------------- */

/*
 * A new GSL stream (mt19937) seeded from (seed, replication, NAME) by a stable hash: adding a
 * stream or an entity never changes another stream's draws. Caller frees with gsl_rng_free().
 */
gsl_rng *sim_rng_new(const struct sim *sim, const char *name);
/* The 64-bit seed that sim_rng_new(NAME) uses (exposed for tests and logs). */
uint64_t sim_rng_seed_for(uint64_t seed, unsigned replication, const char *name);
/* A stream not tied to a world, seeded the same way (for models built outside a sim). */
gsl_rng *sim_rng_new_seeded(uint64_t seed, unsigned replication, const char *name);

/* ---- trace bus --------------------------------------------------------------------------- */

/*
 * Typed trace points. Models publish, outputs subscribe (OMNeT++ signals). The payload type of
 * each kind is fixed and documented here; payloads are borrowed for the duration of the call.
 */
enum sim_trace_kind {
	SIM_TRACE_NET_SEND,     /* const struct sim_net_packet * (sim/net.h) */
	SIM_TRACE_NET_DELIVER,  /* const struct sim_net_packet * */
	SIM_TRACE_NET_DROP,     /* const struct sim_net_packet * (drop_reason set) */
	SIM_TRACE_SIP,          /* models/sip: transaction events (payload defined there) */
	SIM_TRACE_CALL,         /* const struct sim_trace_call * : a call's life at the server */
	SIM_TRACE_REG,          /* const struct sim_trace_reg * : registration outcomes */
	SIM_TRACE_POOL,         /* const struct sim_trace_pool * : resource pool levels */
	SIM_TRACE_EVENT,        /* const struct sim_trace_note * : what a ladder draws besides
				   SIP datagrams (user actions, TDM signals, media, NAT crossings) */
	SIM_TRACE_LOG,          /* const char * : free text */
	SIM_TRACE_KIND_COUNT
};

/*
 * Payloads of the model-level kinds. They live here, not in models/, so that outputs (ladder,
 * metrics, report) read them without knowing any model (DESIGN.md: output depends on sim only).
 * Names are entity (lane) names; every string is borrowed for the duration of the call.
 */

/* SIM_TRACE_CALL: published by the call server. */
enum sim_call_event {
	SIM_CALL_OFFERED,       /* a call attempt reached the server (caller, dialled set) */
	SIM_CALL_ALERTING,      /* the callee rings (callee set) */
	SIM_CALL_ANSWERED,      /* the callee answered: the conversation starts */
	SIM_CALL_FAILED,        /* refused or abandoned before answer: status and cause set */
	SIM_CALL_ENDED,         /* an answered call was cleared */
	SIM_CALL_LEG,           /* the server attached a SIP dialog to the call (call_id set):
				   the caller's INVITE as it is offered, then each INVITE it
				   sends a callee under a new Call-ID; once per Call-ID, so a
				   new INVITE under the same Call-ID (the MGI-03 retry after
				   488) is no new leg. A TDM side has no leg. */
};
struct sim_trace_call {
	enum sim_call_event event;
	uint64_t call;          /* the server's call number, 1, 2 ... in offer order */
	const char *caller;     /* lane of the calling side */
	const char *callee;     /* lane of the called side, NULL before it is known */
	const char *dialled;    /* the digits as dialled */
	uint16_t status;        /* FAILED: the final response sent to a SIP caller, else 0 */
	const char *cause;      /* FAILED: a short word for metrics ("busy", "unreachable",
				   "not found", "mgi", "mps", "nat", "timeout", "rejected",
				   "cancelled", "forbidden"); NULL otherwise */
	const char *media;      /* ANSWERED: "direct", "mgi", "mps"; NULL otherwise */
	const char *call_id;    /* LEG: the leg's Call-ID as on the wire; NULL otherwise */
};

/* SIM_TRACE_REG: published by the registrar for every REGISTER it decides on. */
struct sim_trace_reg {
	const char *station;    /* the Tel Number the REGISTER names (To user) */
	const char *lane;       /* the sending host's lane, NULL when unknown */
	uint32_t ip;            /* source address as the server saw it (host order) */
	uint16_t port;
	bool ok;                /* binding made, refreshed or removed */
	bool unregister;        /* Expires: 0 */
	bool challenged;        /* answered 401 (neither ok nor a failure) */
	const char *cause;      /* failure: a short word ("telno", "white-list", "auth", "licence",
				   "capacity", "blocked", "expired"); else NULL */
	int64_t expires_ns;     /* ok: the expiry granted */
};

/* SIM_TRACE_POOL: published whenever a pool's level changes. */
struct sim_trace_pool {
	const char *pool;       /* "MGI", "MPS", "licence:sip-phone" ... */
	unsigned in_use;
	unsigned capacity;
};

/* SIM_TRACE_EVENT: what a ladder draws besides SIP datagrams. */
enum sim_note_kind {
	SIM_NOTE_ACTION,        /* a note on LANE: a user or device action ("off-hook",
				   "dial 2001", "TRSF", "hook on") */
	SIM_NOTE_SIGNAL,        /* a non-SIP signal LANE -> PEER (TDM: "ring", "answer") */
	SIM_NOTE_MEDIA_UP,      /* media starts flowing between LANE and PEER ("RTP PCMU",
				   "TDM"); one per segment of the path */
	SIM_NOTE_MEDIA_DOWN,    /* ... and stops */
	SIM_NOTE_CROSS,         /* datagram PACKET crossed the middlebox LANE (a NAT rewrote it:
				   TEXT says how, "192.168.1.10:5060 -> 203.0.113.50:1024") */
};
struct sim_trace_note {
	enum sim_note_kind kind;
	const char *lane;
	const char *peer;       /* SIGNAL, MEDIA_*: the other lane; else NULL */
	const char *text;
	uint64_t packet;        /* CROSS: the sim_net_packet id; else 0 */
};

/* Publishes a note (a convenience over sim_trace_emit; does nothing when nobody listens). */
void sim_trace_note(struct sim *sim, enum sim_note_kind kind, const char *lane,
		    const char *peer, const char *text, uint64_t packet);

struct sim_trace_point {
	enum sim_trace_kind kind;
	int64_t time;
	const char *source;     /* entity name of the publisher, may be NULL */
	const void *payload;
};

typedef void (sim_trace_h)(const struct sim_trace_point *tp, void *arg);

struct sim_trace_sub;

/*
 * Subscribes H to KIND. Safe while a trace point is being dispatched: a subscriber added
 * during dispatch first sees the next point; one removed during dispatch sees no further one.
 */
struct sim_trace_sub *sim_trace_subscribe(struct sim *sim, enum sim_trace_kind kind,
					  sim_trace_h *h, void *arg);
/* Removes SUB (NULL is ignored). */
void sim_trace_unsubscribe(struct sim *sim, struct sim_trace_sub *sub);
/* Cheap check before building a payload: is anyone subscribed to KIND? */
bool sim_trace_wanted(const struct sim *sim, enum sim_trace_kind kind);
/* Publishes one point to the subscribers of KIND, in subscription order. */
void sim_trace_emit(struct sim *sim, enum sim_trace_kind kind, const char *source,
		    const void *payload);

#endif
