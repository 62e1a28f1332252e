#!/bin/sh
# run.sh - build one fuzz target with clang's libFuzzer and sanitizers, and run it.
#
#   tests/fuzz/run.sh TARGET SECONDS      TARGET = sdp | sip   (fuzz_TARGET.c)
#
# Environment:
#   FUZZ_BUILD   build directory (default: ./fuzz-build under the current directory); it must not
#                be inside the source tree. Binaries, the working corpus and crash files go there.
#   CC           compiler (default clang). With --afl, afl-clang-fast is used (AFL++ builds
#                libFuzzer-style targets with -fsanitize=fuzzer), and the script stops after
#                building: run afl-fuzz yourself (see docs/fuzzing.md).
#   FUZZ_JOBS    libFuzzer -jobs/-workers (default 1).
# Exit status: 0 when the run ended without a crash, a leak or a sanitizer report; non-zero
# otherwise (libFuzzer writes the input to FUZZ_BUILD/crash-* and prints the stack).
set -eu

afl=no
if [ "${1:-}" = "--afl" ]; then
	afl=yes
	shift
fi
if [ $# -ne 2 ]; then
	echo "usage: $0 [--afl] TARGET SECONDS   (TARGET: sdp or sip)" >&2
	exit 2
fi
target=$1
seconds=$2
srcdir=$(cd "$(dirname "$0")/../.." && pwd -P)
build=$(realpath -m "${FUZZ_BUILD:-$PWD/fuzz-build}")
case "$build/" in
"$srcdir"/*)
	echo "run.sh: FUZZ_BUILD ($build) is inside the source tree; use another directory" >&2
	exit 2
	;;
esac

case "$target" in
sdp) sources="models/sip/sdp.c" ;;
# models/sip/transport.c calls into the kernel's network, so the SIP target links sim/ too
# (all but sim/ossim.c, which holds main()).
sip) sources=$(cd "$srcdir" && ls models/sip/*.c sim/*.c | grep -v '^sim/ossim\.c$') ;;
*)
	echo "run.sh: unknown target '$target' (sdp or sip)" >&2
	exit 2
	;;
esac
if [ ! -f "$srcdir/tests/fuzz/fuzz_$target.c" ]; then
	echo "run.sh: $srcdir/tests/fuzz/fuzz_$target.c does not exist yet" >&2
	exit 2
fi

if [ "$afl" = yes ]; then
	cc=${CC:-afl-clang-fast}
else
	cc=${CC:-clang}
fi
command -v "$cc" >/dev/null || { echo "run.sh: $cc not found" >&2; exit 2; }
mkdir -p "$build"

# The fuzz build has its own config.h with the two macros configure defines (configure.ac),
# so it needs neither configure nor libtool.
mkdir -p "$build/include"
cat > "$build/include/config.h" <<'CFG'
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1
CFG

flags="-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined"
flags="$flags -fno-sanitize-recover=undefined -Wall -Wextra"
deps=$(pkg-config --cflags --libs glib-2.0 gsl)
bin="$build/fuzz_$target"
echo "run.sh: building $bin with $cc"
(cd "$srcdir" && $cc $flags -I"$build/include" -I"$srcdir" \
	"tests/fuzz/fuzz_$target.c" $sources $deps -lm -o "$bin")
if [ "$afl" = yes ]; then
	echo "run.sh: built $bin for AFL++ (seeds: tests/fuzz/corpus-sdp or tests/data/rfc4475)"
	exit 0
fi

# The working corpus lives in the build dir: libFuzzer adds the inputs it finds there, and the
# seeds in the source tree stay as they are.
corpus="$build/corpus-$target"
mkdir -p "$corpus"
if [ "$target" = sdp ]; then
	cp "$srcdir"/tests/fuzz/corpus-sdp/* "$corpus"/
	# SIP bodies after the blank line are SDP too; the whole message makes a useful bad seed
	cp "$srcdir"/tests/data/rfc4475/sdp01.dat "$srcdir"/tests/data/rfc4475/wsinv.dat "$corpus"/
else
	cp "$srcdir"/tests/data/rfc4475/*.dat "$corpus"/
fi

cd "$build"
echo "run.sh: fuzzing $target for $seconds s over $(ls "$corpus" | wc -l) inputs"
# -error_exitcode: a crash or sanitizer report exits 77; -timeout: an input taking 10 s is a bug
jobs=${FUZZ_JOBS:-1}
par=""
if [ "$jobs" -gt 1 ]; then
	par="-jobs=$jobs -workers=$jobs"    # each job logs to fuzz-N.log in FUZZ_BUILD
fi
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -error_exitcode=77 \
	-print_final_stats=1 $par -artifact_prefix="$build/" "$corpus"
