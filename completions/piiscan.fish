# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_piiscan_global_optspecs
    string join \n h/help V/version
end

function __fish_piiscan_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_piiscan_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_piiscan_using_subcommand
    set -l cmd (__fish_piiscan_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c piiscan -n "__fish_piiscan_needs_command" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_needs_command" -s V -l version -d 'Print version'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "scan" -d 'Scan files and directories for personal data'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "rules" -d 'List, describe or test detection rules'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "policy" -d 'Show the policy\'s declared categories and the rules that feed each'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "baseline" -d 'Record the current findings as accepted, so later scans report only new ones'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "config" -d 'Check a .piiscan.toml configuration file'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c piiscan -n "__fish_piiscan_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -s f -l format -d 'Output format' -r -f -a "text\t'path:line:column rule category value'
json\t'One JSON document with findings and a summary'
jsonl\t'One JSON object per finding and line'
summary\t'Per-category data map'
sarif\t'SARIF 2.1.0 for GitHub code scanning and other SARIF viewers'
html\t'One self-contained HTML page: the data map by policy category, for people (use --output)'"
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -s o -l output -d 'Write the report to FILE instead of standard output' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l min-confidence -d 'Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]' -r -f -a "low\t''
medium\t''
high\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l fail-on -d 'Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]' -r -f -a "low\t''
medium\t''
high\t''
never\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l diff -d 'Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l baseline -d 'Suppress the known findings recorded in FILE (see `piiscan baseline`)' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l config -d 'Read settings from FILE instead of the .piiscan.toml found at the repository root' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l shard -d 'Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l shard-index -d '0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l shard-count -d 'Number of shards, with --shard-index' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l input-format -d 'Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0' -r -f -a "lines\t'Each line is a record'
jsonl\t'Each line is a JSON object with a path and a text field'"
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l path-field -d 'With --input-format jsonl: the field holding the record\'s path' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l text-field -d 'With --input-format jsonl: the field holding the record\'s text' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l redact -d 'How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)' -r -f -a "partial\t''
full\t''
none\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -s j -l threads -d 'Number of scanning threads (default: the number of CPUs)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l max-filesize -d 'Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l color -d 'When to use colors in text output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l sarif-category -d 'SARIF only: the run\'s automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l stdin-name -d 'The path standard input (`-`) is reported as' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l max-decompressed -d 'Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l chunk-size -d 'Bytes scanned at once (tests)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l part-size -d 'Bytes per part when several threads search one large file (tests)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l staged -d 'Scan only what is staged for the next commit, and report only findings on the lines it adds'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l no-config -d 'Ignore any .piiscan.toml'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l explain -d 'Add to each finding why it got its confidence (validator, context words)'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l strict -d 'Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l no-ignore -d 'Do not honour .gitignore, .ignore and .piiscanignore files'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l hidden -d 'Scan hidden files and directories too'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -s L -l follow -d 'Follow symbolic links'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l mmap -d 'Memory-map large files not modified for five minutes instead of reading them (a file that another process truncates while it is mapped ends the scan with SIGBUS)'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l no-mmap -d 'Read files, never memory-map them (the default)'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l progress -d 'Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -l no-progress -d 'Never show a progress bar'
complete -c piiscan -n "__fish_piiscan_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -f -a "list" -d 'One line per rule: id, confidence, categories, name'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -f -a "show" -d 'Everything about one rule'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -f -a "test" -d 'Check the examples and counterexamples of the rules in DIR (or one rule file)'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and not __fish_seen_subcommand_from list show test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from list" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from list" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from show" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from show" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from test" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from test" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "list" -d 'One line per rule: id, confidence, categories, name'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "show" -d 'Everything about one rule'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "test" -d 'Check the examples and counterexamples of the rules in DIR (or one rule file)'
complete -c piiscan -n "__fish_piiscan_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and not __fish_seen_subcommand_from show help" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and not __fish_seen_subcommand_from show help" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print the categories (the default)'
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and __fish_seen_subcommand_from show" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and __fish_seen_subcommand_from show" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the categories (the default)'
complete -c piiscan -n "__fish_piiscan_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -s f -l format -d 'Output format' -r -f -a "text\t'path:line:column rule category value'
json\t'One JSON document with findings and a summary'
jsonl\t'One JSON object per finding and line'
summary\t'Per-category data map'
sarif\t'SARIF 2.1.0 for GitHub code scanning and other SARIF viewers'
html\t'One self-contained HTML page: the data map by policy category, for people (use --output)'"
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -s o -l output -d 'Write the report to FILE instead of standard output' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l rules -d 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l policy -d 'Use the categories in FILE instead of the built-in policy' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l min-confidence -d 'Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]' -r -f -a "low\t''
medium\t''
high\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l fail-on -d 'Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]' -r -f -a "low\t''
medium\t''
high\t''
never\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l diff -d 'Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l baseline -d 'Suppress the known findings recorded in FILE (see `piiscan baseline`)' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l config -d 'Read settings from FILE instead of the .piiscan.toml found at the repository root' -r -F
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l shard -d 'Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l shard-index -d '0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l shard-count -d 'Number of shards, with --shard-index' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l input-format -d 'Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0' -r -f -a "lines\t'Each line is a record'
jsonl\t'Each line is a JSON object with a path and a text field'"
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l path-field -d 'With --input-format jsonl: the field holding the record\'s path' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l text-field -d 'With --input-format jsonl: the field holding the record\'s text' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l redact -d 'How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)' -r -f -a "partial\t''
full\t''
none\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -s j -l threads -d 'Number of scanning threads (default: the number of CPUs)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l max-filesize -d 'Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l color -d 'When to use colors in text output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l sarif-category -d 'SARIF only: the run\'s automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l stdin-name -d 'The path standard input (`-`) is reported as' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l max-decompressed -d 'Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l chunk-size -d 'Bytes scanned at once (tests)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l part-size -d 'Bytes per part when several threads search one large file (tests)' -r
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l staged -d 'Scan only what is staged for the next commit, and report only findings on the lines it adds'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l no-config -d 'Ignore any .piiscan.toml'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l explain -d 'Add to each finding why it got its confidence (validator, context words)'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l strict -d 'Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l no-ignore -d 'Do not honour .gitignore, .ignore and .piiscanignore files'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l hidden -d 'Scan hidden files and directories too'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -s L -l follow -d 'Follow symbolic links'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l mmap -d 'Memory-map large files not modified for five minutes instead of reading them (a file that another process truncates while it is mapped ends the scan with SIGBUS)'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l no-mmap -d 'Read files, never memory-map them (the default)'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l progress -d 'Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -l no-progress -d 'Never show a progress bar'
complete -c piiscan -n "__fish_piiscan_using_subcommand baseline" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c piiscan -n "__fish_piiscan_using_subcommand config; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand config; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Validate a configuration file (default: the .piiscan.toml found from here)'
complete -c piiscan -n "__fish_piiscan_using_subcommand config; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate a configuration file (default: the .piiscan.toml found from here)'
complete -c piiscan -n "__fish_piiscan_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand completions" -s h -l help -d 'Print help'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "scan" -d 'Scan files and directories for personal data'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "rules" -d 'List, describe or test detection rules'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "policy" -d 'Show the policy\'s declared categories and the rules that feed each'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "baseline" -d 'Record the current findings as accepted, so later scans report only new ones'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "config" -d 'Check a .piiscan.toml configuration file'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "completions" -d 'Print a shell completion script to standard output'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and not __fish_seen_subcommand_from scan rules policy baseline config completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "list" -d 'One line per rule: id, confidence, categories, name'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "show" -d 'Everything about one rule'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "test" -d 'Check the examples and counterexamples of the rules in DIR (or one rule file)'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "show" -d 'Print the categories (the default)'
complete -c piiscan -n "__fish_piiscan_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate a configuration file (default: the .piiscan.toml found from here)'
