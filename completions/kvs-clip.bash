# bash completion for kvs-clip. Generated from the command tree by write-completions; do not edit.
# Use: source <(kvs-clip completion bash), or copy to
#   ${BASH_COMPLETION_USER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}/completions/kvs-clip

_kvs_clip_files() {
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}

# Stream names from ListStreams (short timeout, silent on error), with the region/profile/endpoint typed so far.
_kvs_clip_streams() {
  local -a args=()
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      --region|--profile|--endpoint-url) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
      --local) args+=(--local) ;;
    esac
  done
  local IFS=$'\n'
  COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete streams "${args[@]}" 2>/dev/null)" -- "$cur"))
}

# Sets opts (every flag) and valued (flags that take a value) for a command.
_kvs_clip_spec() {
  case "$1" in
    '') opts='-V --version -h --help'; valued='' ;;
    get) opts='--stream-arn --since --from --until --to --last --at --duration --range --tz --utc --timestamps -o --output --output-dir --force --skip-existing --mkdir --split --no-faststart --format --gaps --fail-on-gap --align --concurrency --retries --retry-max-time --fragment-rate --no-pacing --dry-run --no-continue --keep-parts --state --settle --exec --log-format --region --profile --endpoint-url --local --connect-timeout --read-timeout --s3-endpoint-url --s3-region --s3-storage-class --s3-sse --s3-kms-key-id --s3-acl --no-s3-sha256 --json -q --quiet -v --verbose --progress --no-progress --no-color --progress-interval -h --help'; valued='--stream-arn --since --from --until --to --last --at --duration --range --tz --timestamps -o --output --output-dir --format --gaps --align --concurrency --retries --retry-max-time --fragment-rate --state --settle --exec --log-format --region --profile --endpoint-url --connect-timeout --read-timeout --s3-endpoint-url --s3-region --s3-storage-class --s3-sse --s3-kms-key-id --s3-acl --progress --progress-interval' ;;
    list|ls) opts='--stream-arn --chart --since --from --until --to --last --at --duration --range --tz --utc --timestamps --retries --retry-max-time --region --profile --endpoint-url --local --connect-timeout --read-timeout --json -q --quiet -v --verbose --progress --no-progress --no-color -h --help'; valued='--stream-arn --since --from --until --to --last --at --duration --range --tz --timestamps --retries --retry-max-time --region --profile --endpoint-url --connect-timeout --read-timeout --progress' ;;
    images) opts='--stream-arn --every --format --quality --width --height -o --output --output-dir --sheet --force --since --from --until --to --last --at --duration --range --tz --utc --timestamps --retries --retry-max-time --region --profile --endpoint-url --local --connect-timeout --read-timeout --json -q --quiet -v --verbose --progress --no-progress --no-color -h --help'; valued='--stream-arn --every --format --quality --width --height -o --output --output-dir --sheet --since --from --until --to --last --at --duration --range --tz --timestamps --retries --retry-max-time --region --profile --endpoint-url --connect-timeout --read-timeout --progress' ;;
    streams) opts='--prefix --retries --retry-max-time --region --profile --endpoint-url --local --connect-timeout --read-timeout --json -q --quiet -v --verbose --progress --no-progress --no-color -h --help'; valued='--prefix --retries --retry-max-time --region --profile --endpoint-url --connect-timeout --read-timeout --progress' ;;
    join) opts='-o --output --force --mkdir --no-faststart --format --gaps --split-on-change --log-format --s3-endpoint-url --s3-region --s3-storage-class --s3-sse --s3-kms-key-id --s3-acl --no-s3-sha256 --json -q --quiet -v --verbose --progress --no-progress --no-color -h --help'; valued='-o --output --format --gaps --log-format --s3-endpoint-url --s3-region --s3-storage-class --s3-sse --s3-kms-key-id --s3-acl --progress' ;;
    inspect) opts='--boxes --json -q --quiet -v --verbose --progress --no-progress --no-color -h --help'; valued='--progress' ;;
    archive) opts='--prefix --streams-file --segment --state-dir -o --output --since --tz --utc --timestamps --settle --follow --grace --concurrency --max-segments --shard --shards --dry-run --format --no-faststart --gaps --retries --retry-max-time --fragment-rate --no-pacing --exec --log-format --region --profile --endpoint-url --local --connect-timeout --read-timeout --s3-endpoint-url --s3-region --s3-storage-class --s3-sse --s3-kms-key-id --s3-acl --no-s3-sha256 --json -q --quiet -v --verbose --progress --no-progress --no-color -h --help'; valued='--prefix --streams-file --segment --state-dir -o --output --since --tz --timestamps --settle --grace --concurrency --max-segments --shard --shards --format --gaps --retries --retry-max-time --fragment-rate --exec --log-format --region --profile --endpoint-url --connect-timeout --read-timeout --s3-endpoint-url --s3-region --s3-storage-class --s3-sse --s3-kms-key-id --s3-acl --progress' ;;
    completion) opts='-h --help'; valued='' ;;
    emulator) opts='--host --port --stream --config --clip-layout --clip-shape --seed --no-quotas --no-auth --strict-auth --chunked --max-clip-fragments --max-clip-bytes --log-file --json -h --help'; valued='--host --port --stream --config --clip-layout --clip-shape --seed --max-clip-fragments --max-clip-bytes --log-file' ;;
    help) opts=''; valued='' ;;
    *) opts=''; valued='' ;;
  esac
}

# Completes the value of option $2 of command $1.
_kvs_clip_value() {
  case "$1" in
    get)
      case "$2" in
        --timestamps) COMPREPLY=($(compgen -W 'server producer' -- "$cur")) ;;
        -o|--output) _kvs_clip_files ;;
        --format) COMPREPLY=($(compgen -W 'progressive fragmented mp4 fmp4' -- "$cur")) ;;
        --gaps) COMPREPLY=($(compgen -W 'keep close split' -- "$cur")) ;;
        --align) COMPREPLY=($(compgen -W 'cover inside' -- "$cur")) ;;
        --state) _kvs_clip_files ;;
        --log-format) COMPREPLY=($(compgen -W 'human json' -- "$cur")) ;;
        --s3-sse) COMPREPLY=($(compgen -W 'AES256 aws:kms' -- "$cur")) ;;
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    list|ls)
      case "$2" in
        --timestamps) COMPREPLY=($(compgen -W 'server producer' -- "$cur")) ;;
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    images)
      case "$2" in
        --format) COMPREPLY=($(compgen -W 'jpeg png' -- "$cur")) ;;
        -o|--output) _kvs_clip_files ;;
        --sheet) _kvs_clip_files ;;
        --timestamps) COMPREPLY=($(compgen -W 'server producer' -- "$cur")) ;;
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    streams)
      case "$2" in
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    join)
      case "$2" in
        -o|--output) _kvs_clip_files ;;
        --format) COMPREPLY=($(compgen -W 'progressive fragmented mp4 fmp4' -- "$cur")) ;;
        --gaps) COMPREPLY=($(compgen -W 'keep close' -- "$cur")) ;;
        --log-format) COMPREPLY=($(compgen -W 'human json' -- "$cur")) ;;
        --s3-sse) COMPREPLY=($(compgen -W 'AES256 aws:kms' -- "$cur")) ;;
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    inspect)
      case "$2" in
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    archive)
      case "$2" in
        -o|--output) _kvs_clip_files ;;
        --timestamps) COMPREPLY=($(compgen -W 'server producer' -- "$cur")) ;;
        --format) COMPREPLY=($(compgen -W 'progressive fragmented mp4 fmp4' -- "$cur")) ;;
        --gaps) COMPREPLY=($(compgen -W 'keep close' -- "$cur")) ;;
        --log-format) COMPREPLY=($(compgen -W 'human json' -- "$cur")) ;;
        --s3-sse) COMPREPLY=($(compgen -W 'AES256 aws:kms' -- "$cur")) ;;
        --progress) COMPREPLY=($(compgen -W 'auto bar lines none' -- "$cur")) ;;
      esac ;;
    emulator)
      case "$2" in
        --config) _kvs_clip_files ;;
        --clip-layout) COMPREPLY=($(compgen -W 'moov-first moov-last fragmented' -- "$cur")) ;;
        --clip-shape) COMPREPLY=($(compgen -W 'aws fixture' -- "$cur")) ;;
        --log-file) _kvs_clip_files ;;
      esac ;;
  esac
}

# Completes positional argument number $2 (from 0) of command $1.
_kvs_clip_argument() {
  case "$1" in
    get)
      (($2 == 0)) && { _kvs_clip_streams; return 0; }
      ;;
    list|ls)
      (($2 == 0)) && { _kvs_clip_streams; return 0; }
      ;;
    images)
      (($2 == 0)) && { _kvs_clip_streams; return 0; }
      ;;
    join)
      (($2 >= 0)) && { _kvs_clip_files; return 0; }
      ;;
    inspect)
      (($2 == 0)) && { _kvs_clip_files; return 0; }
      ;;
    archive)
      (($2 >= 0)) && { _kvs_clip_streams; return 0; }
      ;;
    completion)
      (($2 == 0)) && { COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")); return 0; }
      ;;
  esac
}

_kvs_clip() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" word opts="" valued="" i skip=0 nargs=0
  COMPREPLY=()
  _kvs_clip_spec ''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    prev="$word"
    if ((skip)); then skip=0; continue; fi
    if [[ $word == -* ]]; then
      [[ $word != *=* && " $valued " == *" $word "* ]] && skip=1
    elif [[ -z $cmd ]]; then
      cmd="$word"; _kvs_clip_spec "$cmd"
    else
      nargs=$((nargs + 1))
    fi
  done
  if ((skip)); then _kvs_clip_value "$cmd" "$prev"; return 0; fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W 'get list ls images streams join inspect archive completion emulator help' -- "$cur"))
  else
    _kvs_clip_argument "$cmd" "$nargs"
  fi
  return 0
}

complete -F _kvs_clip kvs-clip
