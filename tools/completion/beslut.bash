# bash completion for beslut — installed by `make install` to
# share/bash-completion/completions/beslut; tests/run-install drives it.
# shellcheck shell=bash

_beslut()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local opts="-o --output -j --jobs --explain --dump --grammars --lexicons
        --dictionary --no-dictionary --max-doc-bytes --timings --format --root
        --doc-id --files-from --shard --skip-done -q --quiet -h --help -V --version"

    case $prev in
        --dump)
            mapfile -t COMPREPLY < <(compgen -W "normalized edits tokens matches grammar schema sql" -- "$cur")
            return ;;
        --format)
            mapfile -t COMPREPLY < <(compgen -W "jsonl sqlite" -- "$cur")
            return ;;
        --grammars|--lexicons|--root)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return ;;
        -o|--output|--files-from|--skip-done)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return ;;
        --dictionary)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur" | sed -n 's/\.aff$//p')
            return ;;
        -j|--jobs|--max-doc-bytes|--doc-id|--shard)
            return ;;
    esac

    if [ "$cword" -eq 1 ] && [[ $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "normalize grammar load version" -- "$cur")
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
        return
    fi
    if [ "$cword" -eq 2 ] && [ "${words[1]}" = grammar ]; then
        mapfile -t COMPREPLY < <(compgen -W "check" -- "$cur")
        return
    fi
    if [[ $cur == -* ]]; then
        # shellcheck disable=SC2086
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return
    fi
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _beslut beslut
