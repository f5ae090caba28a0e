#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds the C API's demo-model test with
# pkg-config alone, as a C program outside any build system would:
#   cc $(pkg-config --cflags --libs strata) prog.c
# then runs it on the demo model installed in that prefix.
set -euo pipefail
build_dir=$1
c_test_dir=$2   # tests/c_api: demo_model_test.c and check.h
generated=$3    # golden_case.h, from the demo model's golden.json
compiler=${4:-cc}
flags=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >/dev/null

pc_file=$(find "$prefix" -name strata.pc)
[ -n "$pc_file" ] || { echo "no strata.pc installed under $prefix" >&2; exit 1; }
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc_file")
installed_prefix=$(pkg-config --variable=prefix strata)
[ "$installed_prefix" = "$prefix" ] || { echo "strata.pc names prefix $installed_prefix, not $prefix" >&2; exit 1; }
echo "pkg-config --cflags --libs strata: $(pkg-config --cflags --libs strata)"

# shellcheck disable=SC2046,SC2086  # pkg-config's output is a list of words
"$compiler" -std=c11 -Wall -Wextra -Wpedantic -Werror $flags $(pkg-config --cflags strata) -I"$c_test_dir" \
  -I"$generated" -DSTRATA_DEMO_MODEL_DIR="\"$prefix/share/strata/models/tiny-llama-pystdlib\"" \
  "$c_test_dir/demo_model_test.c" -o "$work/demo_model_test" $(pkg-config --libs strata)

export LD_LIBRARY_PATH
LD_LIBRARY_PATH=$(pkg-config --variable=libdir strata)
"$work/demo_model_test" lists_devices
"$work/demo_model_test" generates_the_golden_text
