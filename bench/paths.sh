# bench/paths.sh - sourced by the bench and eval scripts: ROOT (the
# repository), BUILD and SHARED (from the environment, default build and
# ../shared), made absolute against ROOT.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SHARED=${SHARED:-../shared}
case $SHARED in /*) ;; *) SHARED=$ROOT/$SHARED ;; esac
