/*
 * lint.h - `ossim sip lint FILE...`: checks that each file holds one well-formed SIP message.
 */
#ifndef OSSIM_SIP_LINT_H
#define OSSIM_SIP_LINT_H

/* Runs the lint command (argv[0] is "lint"). Prints "FILE: ok <METHOD or status code>" or
 * "FILE: invalid: <reason>" per file on stdout, errors on stderr. Returns the exit status:
 * 0 all ok, 1 some message invalid, 2 a file could not be read or bad usage. */
int sip_lint_main(int argc, char **argv);

#endif
