# fish completion for kvs-clip. Generated from the command tree by write-completions; do not edit.
# Use: kvs-clip completion fish > ~/.config/fish/completions/kvs-clip.fish

# Succeeds when the word being completed is positional argument number $argv[1] (from 0) after the command.
function __kvs_clip_argument_is
    set -l valued --stream-arn --since --from --until --to --last --at --duration --range --tz --timestamps -o --output --format --gaps --align --concurrency --retries --retry-max-time --fragment-rate --state --settle --exec --log-format --region --profile --endpoint-url --prefix
    set -l tokens (commandline -opc)
    set -l count -1
    set -l skip 0
    for token in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
        else if string match -q -- "-*" $token
            contains -- $token $valued; and set skip 1
        else
            set count (math $count + 1)
        end
    end
    test $count -eq $argv[1]
end

function __kvs_clip_streams
    command -q kvs-clip; and command kvs-clip __complete streams 2>/dev/null
end

complete -c kvs-clip -f
complete -c kvs-clip -n '__fish_use_subcommand' -s V -l version -d 'print the version'
complete -c kvs-clip -n '__fish_use_subcommand' -s h -l help -d 'display help for command'
complete -c kvs-clip -n __fish_use_subcommand -a 'get' -d 'download a time range of a stream as one MP4'
complete -c kvs-clip -n __fish_use_subcommand -a 'list' -d 'show coverage and gaps of a time range (ListFragments only)'
complete -c kvs-clip -n __fish_use_subcommand -a 'ls' -d 'show coverage and gaps of a time range (ListFragments only)'
complete -c kvs-clip -n __fish_use_subcommand -a 'streams' -d 'list the streams in the account and region'
complete -c kvs-clip -n __fish_use_subcommand -a 'join' -d 'join MP4 clips losslessly into one file'
complete -c kvs-clip -n __fish_use_subcommand -a 'inspect' -d 'show tracks, codecs, duration and box layout of an MP4'
complete -c kvs-clip -n __fish_use_subcommand -a 'completion' -d 'print a shell completion script to stdout'
complete -c kvs-clip -n __fish_use_subcommand -a 'help' -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l stream-arn -x -d 'address the stream by ARN (the name is still used in file names)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l since -x -d 'start of the window, e.g. "2h ago", "2025-06-14 15:00", "yesterday 3pm"'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l from -x -d 'alias of --since'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l until -x -d 'end of the window (default: now)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l to -x -d 'alias of --until'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l last -x -d 'the last D until now, e.g. 10m, 1h30m'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l at -x -d 'window start, with --duration'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l duration -x -d 'window length, with --at'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l range -x -d 'a whole range: "A..B", "A to B", "yesterday 3pm to 4pm"'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l tz -x -d 'IANA time zone for times without an offset'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l utc -d 'read and show times in UTC (same as --tz UTC)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l timestamps -x -a 'server producer' -d 'select fragments by server or producer timestamps'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -s o -l output -r -F -d 'output file or template ({stream} {start:%Y%m%dT%H%M%SZ} {end} {part}); - for stdout'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l force -d 'overwrite an existing output file'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l skip-existing -d 'do nothing (exit 0) when the output file exists'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l mkdir -d 'create missing output directories'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l split -d 'keep one file per GetClip call instead of joining'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l no-faststart -d 'leave moov at the end (skips one sequential copy)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l format -x -a 'mp4 fmp4' -d 'output format (fmp4 is used for -o -)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l gaps -x -a 'keep close split' -d 'how the join represents gaps'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l fail-on-gap -d 'exit 8 after writing when the window has gaps'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l align -x -a 'cover inside' -d 'cover: include the fragment holding the start; inside: only fragments starting in the window'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l concurrency -x -d 'parts downloaded ahead of the join'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l retries -x -d 'retries per GetClip call'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l retry-max-time -x -d 'give up retrying one call after this long'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l fragment-rate -x -d 'fragment budget per second for this stream'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l dry-run -d 'plan only: list fragments and print the parts, no GetClip'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l no-continue -d 'ignore a resume manifest and start over'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l keep-parts -d 'keep temporary files after a failure'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l state -r -F -d 'cron mode: continue from the cursor in FILE, exactly once'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l settle -x -d 'with --state: leave the newest D for the next run'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l exec -x -d 'run CMD after the output is in place; {} is the output path'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l log-format -x -a 'human json' -d 'human lines/bar, or NDJSON events on stderr'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l region -x -d 'AWS region (default: the SDK chain, e.g. AWS_REGION)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l profile -x -d 'AWS shared-config profile'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l endpoint-url -x -d 'control-plane endpoint, e.g. the emulator\'s'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l local -d 'use the bundled emulator in-process, with demo streams and local credentials'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l json -d 'print one JSON document on stdout at exit (success or failure)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -s q -l quiet -d 'print errors only'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -s v -l verbose -d 'print request ids, retries and error causes'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l no-progress -d 'never draw the progress bar'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -l no-color -d 'never use colour (NO_COLOR is honoured too)'
complete -c kvs-clip -n '__fish_seen_subcommand_from get' -s h -l help -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from get; and __kvs_clip_argument_is 0' -a '(__kvs_clip_streams)'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l stream-arn -x -d 'address the stream by ARN'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l since -x -d 'start of the window, e.g. "2h ago", "2025-06-14 15:00", "yesterday 3pm"'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l from -x -d 'alias of --since'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l until -x -d 'end of the window (default: now)'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l to -x -d 'alias of --until'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l last -x -d 'the last D until now, e.g. 10m, 1h30m'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l at -x -d 'window start, with --duration'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l duration -x -d 'window length, with --at'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l range -x -d 'a whole range: "A..B", "A to B", "yesterday 3pm to 4pm"'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l tz -x -d 'IANA time zone for times without an offset'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l utc -d 'read and show times in UTC (same as --tz UTC)'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l timestamps -x -a 'server producer' -d 'select fragments by server or producer timestamps'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l region -x -d 'AWS region (default: the SDK chain, e.g. AWS_REGION)'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l profile -x -d 'AWS shared-config profile'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l endpoint-url -x -d 'control-plane endpoint, e.g. the emulator\'s'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l local -d 'use the bundled emulator in-process, with demo streams and local credentials'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l json -d 'print one JSON document on stdout at exit (success or failure)'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -s q -l quiet -d 'print errors only'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -s v -l verbose -d 'print request ids, retries and error causes'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -l no-color -d 'never use colour (NO_COLOR is honoured too)'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls' -s h -l help -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from list ls; and __kvs_clip_argument_is 0' -a '(__kvs_clip_streams)'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l prefix -x -d 'only streams whose name begins with PREFIX'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l region -x -d 'AWS region (default: the SDK chain, e.g. AWS_REGION)'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l profile -x -d 'AWS shared-config profile'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l endpoint-url -x -d 'control-plane endpoint, e.g. the emulator\'s'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l local -d 'use the bundled emulator in-process, with demo streams and local credentials'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l json -d 'print one JSON document on stdout at exit (success or failure)'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -s q -l quiet -d 'print errors only'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -s v -l verbose -d 'print request ids, retries and error causes'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -l no-color -d 'never use colour (NO_COLOR is honoured too)'
complete -c kvs-clip -n '__fish_seen_subcommand_from streams' -s h -l help -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -s o -l output -r -F -d 'output file; - writes fragmented MP4 to stdout'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l force -d 'overwrite an existing output file'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l mkdir -d 'create missing output directories'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l no-faststart -d 'leave moov at the end (skips one sequential copy)'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l format -x -a 'mp4 fmp4' -d 'output format (fmp4 is used for -o -)'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l gaps -x -a 'keep close' -d 'keep gaps between clips as a long sample, or close them'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l split-on-change -d 'start a new numbered file where clips cannot be joined'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l json -d 'print one JSON document on stdout at exit (success or failure)'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -s q -l quiet -d 'print errors only'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -s v -l verbose -d 'print request ids, retries and error causes'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -l no-color -d 'never use colour (NO_COLOR is honoured too)'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -s h -l help -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from join' -F
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect' -l boxes -d 'print the full box tree'
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect' -l json -d 'print one JSON document on stdout at exit (success or failure)'
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect' -s q -l quiet -d 'print errors only'
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect' -s v -l verbose -d 'print request ids, retries and error causes'
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect' -l no-color -d 'never use colour (NO_COLOR is honoured too)'
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect' -s h -l help -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from inspect; and __kvs_clip_argument_is 0' -F
complete -c kvs-clip -n '__fish_seen_subcommand_from completion' -s h -l help -d 'display help for command'
complete -c kvs-clip -n '__fish_seen_subcommand_from completion; and __kvs_clip_argument_is 0' -a 'bash zsh fish'
