
use builtin;
use str;

set edit:completion:arg-completer[piiscan] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'piiscan'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'piiscan'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand scan 'Scan files and directories for personal data'
            cand rules 'List, describe or test detection rules'
            cand policy 'Show the policy''s declared categories and the rules that feed each'
            cand baseline 'Record the current findings as accepted, so later scans report only new ones'
            cand config 'Check a .piiscan.toml configuration file'
            cand completions 'Print a shell completion script to standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;scan'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of standard output'
            cand --output 'Write the report to FILE instead of standard output'
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand --min-confidence 'Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]'
            cand --fail-on 'Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]'
            cand --diff 'Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines'
            cand --baseline 'Suppress the known findings recorded in FILE (see `piiscan baseline`)'
            cand --config 'Read settings from FILE instead of the .piiscan.toml found at the repository root'
            cand --shard 'Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path'
            cand --shard-index '0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)'
            cand --shard-count 'Number of shards, with --shard-index'
            cand --input-format 'Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0'
            cand --path-field 'With --input-format jsonl: the field holding the record''s path'
            cand --text-field 'With --input-format jsonl: the field holding the record''s text'
            cand --redact 'How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)'
            cand -j 'Number of scanning threads (default: the number of CPUs)'
            cand --threads 'Number of scanning threads (default: the number of CPUs)'
            cand --max-filesize 'Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed'
            cand --color 'When to use colors in text output'
            cand --sarif-category 'SARIF only: the run''s automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)'
            cand --stdin-name 'The path standard input (`-`) is reported as'
            cand --max-decompressed 'Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)'
            cand --chunk-size 'Bytes scanned at once (tests)'
            cand --part-size 'Bytes per part when several threads search one large file (tests)'
            cand --staged 'Scan only what is staged for the next commit, and report only findings on the lines it adds'
            cand --no-config 'Ignore any .piiscan.toml'
            cand --explain 'Add to each finding why it got its confidence (validator, context words)'
            cand --strict 'Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings'
            cand --no-ignore 'Do not honour .gitignore, .ignore and .piiscanignore files'
            cand --hidden 'Scan hidden files and directories too'
            cand -L 'Follow symbolic links'
            cand --follow 'Follow symbolic links'
            cand --mmap 'Memory-map large files not modified for five minutes instead of reading them (a file that another process truncates while it is mapped ends the scan with SIGBUS)'
            cand --no-mmap 'Read files, never memory-map them (the default)'
            cand --progress 'Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)'
            cand --no-progress 'Never show a progress bar'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'piiscan;rules'= {
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'One line per rule: id, confidence, categories, name'
            cand show 'Everything about one rule'
            cand test 'Check the examples and counterexamples of the rules in DIR (or one rule file)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;rules;list'= {
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'piiscan;rules;show'= {
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'piiscan;rules;test'= {
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'piiscan;rules;help'= {
            cand list 'One line per rule: id, confidence, categories, name'
            cand show 'Everything about one rule'
            cand test 'Check the examples and counterexamples of the rules in DIR (or one rule file)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;rules;help;list'= {
        }
        &'piiscan;rules;help;show'= {
        }
        &'piiscan;rules;help;test'= {
        }
        &'piiscan;rules;help;help'= {
        }
        &'piiscan;policy'= {
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Print the categories (the default)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;policy;show'= {
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'piiscan;policy;help'= {
            cand show 'Print the categories (the default)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;policy;help;show'= {
        }
        &'piiscan;policy;help;help'= {
        }
        &'piiscan;baseline'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write the report to FILE instead of standard output'
            cand --output 'Write the report to FILE instead of standard output'
            cand --rules 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it'
            cand --policy 'Use the categories in FILE instead of the built-in policy'
            cand --min-confidence 'Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]'
            cand --fail-on 'Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]'
            cand --diff 'Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines'
            cand --baseline 'Suppress the known findings recorded in FILE (see `piiscan baseline`)'
            cand --config 'Read settings from FILE instead of the .piiscan.toml found at the repository root'
            cand --shard 'Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path'
            cand --shard-index '0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)'
            cand --shard-count 'Number of shards, with --shard-index'
            cand --input-format 'Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0'
            cand --path-field 'With --input-format jsonl: the field holding the record''s path'
            cand --text-field 'With --input-format jsonl: the field holding the record''s text'
            cand --redact 'How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)'
            cand -j 'Number of scanning threads (default: the number of CPUs)'
            cand --threads 'Number of scanning threads (default: the number of CPUs)'
            cand --max-filesize 'Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed'
            cand --color 'When to use colors in text output'
            cand --sarif-category 'SARIF only: the run''s automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)'
            cand --stdin-name 'The path standard input (`-`) is reported as'
            cand --max-decompressed 'Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)'
            cand --chunk-size 'Bytes scanned at once (tests)'
            cand --part-size 'Bytes per part when several threads search one large file (tests)'
            cand --staged 'Scan only what is staged for the next commit, and report only findings on the lines it adds'
            cand --no-config 'Ignore any .piiscan.toml'
            cand --explain 'Add to each finding why it got its confidence (validator, context words)'
            cand --strict 'Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings'
            cand --no-ignore 'Do not honour .gitignore, .ignore and .piiscanignore files'
            cand --hidden 'Scan hidden files and directories too'
            cand -L 'Follow symbolic links'
            cand --follow 'Follow symbolic links'
            cand --mmap 'Memory-map large files not modified for five minutes instead of reading them (a file that another process truncates while it is mapped ends the scan with SIGBUS)'
            cand --no-mmap 'Read files, never memory-map them (the default)'
            cand --progress 'Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)'
            cand --no-progress 'Never show a progress bar'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'piiscan;config'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand check 'Validate a configuration file (default: the .piiscan.toml found from here)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;config;check'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'piiscan;config;help'= {
            cand check 'Validate a configuration file (default: the .piiscan.toml found from here)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;config;help;check'= {
        }
        &'piiscan;config;help;help'= {
        }
        &'piiscan;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'piiscan;help'= {
            cand scan 'Scan files and directories for personal data'
            cand rules 'List, describe or test detection rules'
            cand policy 'Show the policy''s declared categories and the rules that feed each'
            cand baseline 'Record the current findings as accepted, so later scans report only new ones'
            cand config 'Check a .piiscan.toml configuration file'
            cand completions 'Print a shell completion script to standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'piiscan;help;scan'= {
        }
        &'piiscan;help;rules'= {
            cand list 'One line per rule: id, confidence, categories, name'
            cand show 'Everything about one rule'
            cand test 'Check the examples and counterexamples of the rules in DIR (or one rule file)'
        }
        &'piiscan;help;rules;list'= {
        }
        &'piiscan;help;rules;show'= {
        }
        &'piiscan;help;rules;test'= {
        }
        &'piiscan;help;policy'= {
            cand show 'Print the categories (the default)'
        }
        &'piiscan;help;policy;show'= {
        }
        &'piiscan;help;baseline'= {
        }
        &'piiscan;help;config'= {
            cand check 'Validate a configuration file (default: the .piiscan.toml found from here)'
        }
        &'piiscan;help;config;check'= {
        }
        &'piiscan;help;completions'= {
        }
        &'piiscan;help;help'= {
        }
    ]
    $completions[$command]
}
