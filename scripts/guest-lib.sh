# scripts/guest-lib.sh - what scripts/linux-guest.sh and scripts/dpdk-guest.sh
# share; sourced, not run.  The sourcing script sets DEBS (where .deb files
# go) and defines say().

# up_to_date OUTPUT INPUT...: OUTPUT exists and is newer than every INPUT.
up_to_date() {
	local out=$1 in
	shift
	[ -e "$out" ] || return 1
	for in in "$@"; do
		[ "$out" -nt "$in" ] || return 1
	done
}

# fetch_deb PACKAGE [VERSION]: its .deb in $DEBS, downloaded (apt-get
# download, nothing installed) unless one is there already; prints its path.
fetch_deb() {
	local pkg=$1 ver=${2:-} part=$DEBS/partial deb
	deb=$(compgen -G "$DEBS/${pkg}_*.deb" | head -n 1 || true)
	if [ -z "$deb" ]; then
		say "downloading $pkg${ver:+ $ver}" >&2
		rm -rf "$part"
		mkdir -p "$part"
		# The sandbox user _apt cannot write to a root-owned directory.
		(cd "$part" && apt-get download -q -o APT::Sandbox::User=root "$pkg${ver:+=$ver}" >&2)
		mv "$part"/*.deb "$DEBS"/
		rmdir "$part"
		deb=$(compgen -G "$DEBS/${pkg}_*.deb" | head -n 1)
	fi
	echo "$deb"
}
