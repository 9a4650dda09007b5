#!/bin/sh
# Entry point of a conversion pod (one VM per pod):
#   - target disks given as raw block devices (volumeDevices with
#     devicePath /dev/v2v-diskN) are linked to /data/vm/diskN/disk.img,
#     where the wrapper has virt-v2v write disk N; disks on filesystem PVCs
#     are simply mounted at /data/vm/diskN;
#   - then the wrapper reads the conversion document from the Secret
#     mounted at /data/input/conversion.json and runs in the foreground
#     ("daemonize": false): its log is the container's log, its exit status
#     the pod's (0 Succeeded, 2 Failed, 1 bad input).
#
# Environment: V2V_WRAPPER (default /usr/bin/virt-v2v-wrapper),
# V2V_INPUT (default /data/input/conversion.json), V2VW_KUBE_DATA_DIR (the
# wrapper's own knob, default /data).
set -eu

wrapper=${V2V_WRAPPER:-/usr/bin/virt-v2v-wrapper}
data=${V2VW_KUBE_DATA_DIR:-/data}
input=${V2V_INPUT:-$data/input/conversion.json}

for dev in /dev/v2v-disk*; do
    [ -b "$dev" ] || continue
    n=${dev#/dev/v2v-disk}
    case "$n" in
    '' | *[!0-9]*) echo "entrypoint: ignoring $dev (not /dev/v2v-diskN)" >&2; continue ;;
    esac
    mkdir -p "$data/vm/disk$n"
    ln -sfn "$dev" "$data/vm/disk$n/disk.img"
    echo "entrypoint: disk $n is the block device $dev"
done

if [ ! -r "$input" ]; then
    echo "entrypoint: cannot read the conversion document $input (mount the Secret there)" >&2
    exit 1
fi
mkdir -p "$data/vm"
exec "$wrapper" < "$input"
