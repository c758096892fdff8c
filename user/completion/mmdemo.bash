# SPDX-License-Identifier: GPL-2.0
# bash completion for mmdemo(1): commands, their options, and the values of
# --backing, --touch/--pattern and --only.  The words come from the tool
# itself ('mmdemo __complete'), so they are always the ones it accepts.

_mmdemo() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local tool=${COMP_WORDS[0]} cmd= i words

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		words=$("$tool" __complete 2>/dev/null)
	elif [ "$cmd" = help ]; then
		[ "$i" -eq $((COMP_CWORD - 1)) ] || return 0
		words=$("$tool" __complete help 2>/dev/null)
	elif [[ $prev == -* ]] && [ "$i" -lt $((COMP_CWORD - 1)) ]; then
		words=$("$tool" __complete "$cmd" "$prev" 2>/dev/null)
		if [ "$words" = :file ]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0
		fi
		[ -n "$words" ] || [[ $cur == -* ]] || return 0
		[ -n "$words" ] || words=$("$tool" __complete "$cmd" 2>/dev/null)
	elif [ "$cmd" = load ] && [[ $cur != -* ]]; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
	else
		words=$("$tool" __complete "$cmd" 2>/dev/null)
	fi
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
	# "stride:" wants a number after it, not a space.
	[ "${#COMPREPLY[@]}" -ne 1 ] || [[ ${COMPREPLY[0]} != *: ]] || compopt -o nospace 2>/dev/null
	return 0
}
complete -F _mmdemo mmdemo
