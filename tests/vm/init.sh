#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM: load the module, run every test binary, unload,
# power off.  Everything the host harness reads goes through /dev/kmsg, one
# write per line, so a result line is never cut in half by a kernel message
# printed at the same moment.  "@H" lines are the harness's own events,
# "@T" lines are the output of a test binary.

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp
mount -t tmpfs tmpfs /tmp

say() {
	echo "$*" > /dev/kmsg
}

say "@H init"

insmod /arena_kmod.ko
say "@H insmod $?"

for ko in /extra-ko/*.ko; do
	[ -e "$ko" ] || continue
	insmod "$ko"
	say "@H insmod-extra $? ${ko##*/}"
done

# A test that hangs is stopped, and the rest still run.
test_timeout=$(cat /test-timeout)

for t in /tests/*; do
	[ -x "$t" ] || continue
	name=${t##*/}
	say "@H begin $name"
	{
		timeout "$test_timeout" "$t" 2>&1
		echo "@rc $?"
	} | while IFS= read -r line; do
		case "$line" in
		"@rc "*) say "@H end $name ${line#@rc }" ;;
		*) say "@T $line" ;;
		esac
	done
done

rmmod arena_kmod
say "@H rmmod $?"
[ ! -e /dev/arena ]
say "@H devnode-gone $?"

say "@H done"
poweroff -f
