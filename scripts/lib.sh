# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the scripts: paths, messages, and which kernel "6.12" means.

VMB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
VMB_BUILD=$VMB_TOP/build
# shellcheck disable=SC2034
VMB_VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$VMB_TOP/dkms.conf")
# shellcheck disable=SC2034
VMB_NAME=vmalock-bench

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

note() {
	echo "${0##*/}: $*" >&2
}

# The Debian kernel flavours the bench knows, as a regex for a release:
# 6.12 is the default ("patched": per-VMA locks with swap/uffd/migration
# waits), 6.1 is "before per-VMA locks". Plain amd64 only (not -rt, -cloud).
vmb_kernel_regex() {
	case $1 in
	6.12) echo '6\.12\.[0-9]*+deb12-amd64' ;;
	6.1) echo '6\.1\.0-[0-9]*-amd64' ;;
	*) return 1 ;;
	esac
}

# Newest installed release of a flavour that has both an image and headers.
vmb_installed_release() {
	local re rel best
	re=$(vmb_kernel_regex "$1") || return 1
	best=$(for f in /boot/vmlinuz-*; do
		rel=${f#/boot/vmlinuz-}
		[ -e "/lib/modules/$rel/build/Makefile" ] && echo "$rel"
	done | grep -x "$re" | sort -V | tail -n 1)
	[ -n "$best" ] && echo "$best"
}

# A configured and built kernel tree (scripts/vm-run --kernel DIR)?
vmb_is_tree() {
	[ -d "$1" ] && [ -e "$1/arch/x86/boot/bzImage" ]
}

# Debian's newest kernel (sid) lives in a root of its own, with the tools
# its headers need (scripts/newest-kernel): "newest", its major.minor
# ("7.2") or its release select it.
VMB_NEWEST_ROOT=${VMB_NEWEST_ROOT:-$VMB_BUILD/newest/root}

vmb_major_minor() {
	echo "$1" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p'
}

# "newest", "X.Y" or an exact release -> the newest kernel's release, if
# that is the one in the root; fails otherwise.
vmb_newest_release() {
	local rel
	rel=$(cat "$VMB_NEWEST_ROOT/.vmb-release" 2>/dev/null) || return 1
	case $1 in
	newest | "$rel") echo "$rel" ;;
	*) [ "$1" = "$(vmb_major_minor "$rel")" ] && echo "$rel" ;;
	esac
}

# Run a command in the newest kernel's root, with /proc (objtool, dkms)
# mounted in a mount namespace of its own: nothing stays mounted on the
# host, whatever happens.
vmb_in_newest_root() {
	# shellcheck disable=SC2016 # $0 and $@ are the inner sh's
	unshare --mount --propagation private -- sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
		"$VMB_NEWEST_ROOT" "$@"
}

# Where a release's /boot and /lib/modules are: the host's /, or the
# newest kernel's root.
vmb_kernel_sysroot() {
	if vmb_newest_release "$1" >/dev/null; then
		echo "$VMB_NEWEST_ROOT"
	else
		echo /
	fi
}

# "6.12", "6.1", "newest" or "7.2", an exact release or a kernel tree (any
# directory: DIR, ./DIR, /path) -> the release, or an error naming what
# to do.
vmb_resolve_kernel() {
	local k=$1 rel
	if rel=$(vmb_newest_release "$k"); then
		echo "$rel"
		return
	fi
	case $k in
	6.12 | 6.1)
		rel=$(vmb_installed_release "$k") ||
			die "no Debian $k kernel with headers is installed: run scripts/setup"
		echo "$rel"
		;;
	newest | [1-9].[0-9] | [1-9].[0-9][0-9])
		die "--kernel $k: Debian's newest kernel is not set up$(
			[ -s "$VMB_NEWEST_ROOT/.vmb-release" ] &&
				echo " (the root has $(cat "$VMB_NEWEST_ROOT/.vmb-release"))"): run scripts/newest-kernel"
		;;
	*)
		if [ -d "$k" ]; then
			vmb_is_tree "$k" ||
				die "--kernel $k: not a built kernel tree (no arch/x86/boot/bzImage): run make there, or use scripts/build-kernel"
			[ -s "$k/include/config/kernel.release" ] ||
				die "--kernel $k: no include/config/kernel.release: is the tree built?"
			cat "$k/include/config/kernel.release"
			return
		fi
		case $k in */*) die "--kernel $k: no such directory" ;; esac
		[ -e "/boot/vmlinuz-$k" ] ||
			die "--kernel $k: no /boot/vmlinuz-$k, and no directory $k (use 6.12, 6.1, an installed release or a kernel tree DIR)"
		[ -e "/lib/modules/$k/build/Makefile" ] ||
			die "--kernel $k: no headers in /lib/modules/$k/build (apt-get install linux-headers-$k)"
		echo "$k"
		;;
	esac
}

# A name for a --kernel value to key caches and result directories on:
# the release, and for a tree also a digest of its path, so two trees of
# one release (a tree, and the same tree with a patch) never share them.
vmb_kernel_key() {
	local rel
	rel=$(vmb_resolve_kernel "$1") || return 1
	if vmb_is_tree "$1"; then
		echo "$rel@$(cd "$1" && pwd | sha256sum | cut -c1-8)"
	else
		echo "$rel"
	fi
}

# Where "make M=" builds against, and the image to boot, for a --kernel
# value (a tree is its own build directory).
vmb_kernel_builddir() {
	if vmb_is_tree "$1"; then
		(cd "$1" && pwd)
	else
		echo "/lib/modules/$(vmb_resolve_kernel "$1")/build"
	fi
}

vmb_kernel_image() {
	local rel
	if vmb_is_tree "$1"; then
		echo "$(cd "$1" && pwd)/arch/x86/boot/bzImage"
	else
		rel=$(vmb_resolve_kernel "$1") || return 1
		echo "$(vmb_kernel_sysroot "$rel" | sed 's|/$||')/boot/vmlinuz-$rel"
	fi
}

# A short digest of files, to key caches on.
vmb_digest() {
	cat "$@" 2>/dev/null | sha256sum | cut -c1-16
}

vmb_module_sources() {
	(cd "$VMB_TOP" && printf '%s\n' Kbuild dkms.conf module/*.c module/*.h)
}
