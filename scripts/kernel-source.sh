#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prints the path of Debian's linux-source-6.12, extracted into the cache on
# first use.  Nothing from it is ever copied into this repository.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel_source
