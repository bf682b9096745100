# bash completion for scsi-probe(8): the verbs, their options, and the SCSI
# objects of this machine (H:C:T:L devices, hostN, targetH:C:T) from sysfs.
# SCSI_PROBE_SYSFS points elsewhere for the test (tests/completion_test.sh).

_scsi_probe_objects() {
    local sys=${SCSI_PROBE_SYSFS:-/sys} kind=$1 e
    case $kind in
        device | target)
            for e in "$sys"/bus/scsi/devices/*; do
                e=${e##*/}
                case $e in
                    [0-9]*:*:*:*) [[ $kind == device ]] && printf '%s\n' "$e" ;;
                    target*) [[ $kind == target ]] && printf '%s\n' "$e" ;;
                esac
            done ;;
        host)
            for e in "$sys"/class/scsi_host/host*; do
                [[ -e $e ]] && printf '%s\n' "${e##*/}"
            done ;;
    esac
}

_scsi_probe() {
    local cur=${COMP_WORDS[COMP_CWORD]} verb="" sub="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) if [[ -z $verb ]]; then verb=${COMP_WORDS[i]}; elif [[ -z $sub ]]; then sub=${COMP_WORDS[i]}; fi ;;
        esac
    done
    local words="" objects=""
    case $verb in
        "") words="device host target show explain check policy rescan remove --help --version" ;;
        device) words="--action --verbose -v --help"; objects=device ;;
        host) words="--action --verbose -v --help"; objects=host ;;
        target) words="--action --verbose -v --help"; objects=target ;;
        show) words="--json --help"; objects=device ;;
        explain) words="--help"; objects=device ;;
        remove) words="--force --help"; objects=device ;;
        rescan) words="--all --dry-run -n --timeout --help"; objects=device ;;
        check) words="--no-initramfs --help" ;;
        policy)
            if [[ -z $sub ]]; then
                words="check --help"
            else
                COMPREPLY=($(compgen -f -- "$cur"))
                return
            fi ;;
    esac
    if [[ $cur != -* && -n $objects ]]; then
        words="$words $(_scsi_probe_objects "$objects")"
        [[ $verb == show || $verb == rescan ]] && words="$words $(_scsi_probe_objects host)"
        [[ $verb == rescan ]] && words="$words $(_scsi_probe_objects target)"
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _scsi_probe scsi-probe
