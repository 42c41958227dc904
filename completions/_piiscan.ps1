
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'piiscan' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'piiscan'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'piiscan' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Scan files and directories for personal data')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List, describe or test detection rules')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Show the policy''s declared categories and the rules that feed each')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Record the current findings as accepted, so later scans report only new ones')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check a .piiscan.toml configuration file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;scan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('--min-confidence', '--min-confidence', [CompletionResultType]::ParameterName, 'Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Suppress the known findings recorded in FILE (see `piiscan baseline`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of the .piiscan.toml found at the repository root')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path')
            [CompletionResult]::new('--shard-index', '--shard-index', [CompletionResultType]::ParameterName, '0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)')
            [CompletionResult]::new('--shard-count', '--shard-count', [CompletionResultType]::ParameterName, 'Number of shards, with --shard-index')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0')
            [CompletionResult]::new('--path-field', '--path-field', [CompletionResultType]::ParameterName, 'With --input-format jsonl: the field holding the record''s path')
            [CompletionResult]::new('--text-field', '--text-field', [CompletionResultType]::ParameterName, 'With --input-format jsonl: the field holding the record''s text')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Number of scanning threads (default: the number of CPUs)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Number of scanning threads (default: the number of CPUs)')
            [CompletionResult]::new('--max-filesize', '--max-filesize', [CompletionResultType]::ParameterName, 'Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors in text output')
            [CompletionResult]::new('--sarif-category', '--sarif-category', [CompletionResultType]::ParameterName, 'SARIF only: the run''s automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)')
            [CompletionResult]::new('--stdin-name', '--stdin-name', [CompletionResultType]::ParameterName, 'The path standard input (`-`) is reported as')
            [CompletionResult]::new('--max-decompressed', '--max-decompressed', [CompletionResultType]::ParameterName, 'Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Bytes scanned at once (tests)')
            [CompletionResult]::new('--part-size', '--part-size', [CompletionResultType]::ParameterName, 'Bytes per part when several threads search one large file (tests)')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Scan only what is staged for the next commit, and report only findings on the lines it adds')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore any .piiscan.toml')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Add to each finding why it got its confidence (validator, context words)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore, .ignore and .piiscanignore files')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'Scan hidden files and directories too')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow symbolic links')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow symbolic links')
            [CompletionResult]::new('--mmap', '--mmap', [CompletionResultType]::ParameterName, 'Memory-map large files not modified for five minutes instead of reading them (a file that another process truncates while it is mapped ends the scan with SIGBUS)')
            [CompletionResult]::new('--no-mmap', '--no-mmap', [CompletionResultType]::ParameterName, 'Read files, never memory-map them (the default)')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show a progress bar')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'piiscan;rules' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'One line per rule: id, confidence, categories, name')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Everything about one rule')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check the examples and counterexamples of the rules in DIR (or one rule file)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;rules;list' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'piiscan;rules;show' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'piiscan;rules;test' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'piiscan;rules;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'One line per rule: id, confidence, categories, name')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Everything about one rule')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check the examples and counterexamples of the rules in DIR (or one rule file)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;rules;help;list' {
            break
        }
        'piiscan;rules;help;show' {
            break
        }
        'piiscan;rules;help;test' {
            break
        }
        'piiscan;rules;help;help' {
            break
        }
        'piiscan;policy' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the categories (the default)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;policy;show' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'piiscan;policy;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the categories (the default)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;policy;help;show' {
            break
        }
        'piiscan;policy;help;help' {
            break
        }
        'piiscan;baseline' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Add the rules in DIR (*.toml) to the built-in ones; a rule with a built-in id replaces it')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Use the categories in FILE instead of the built-in policy')
            [CompletionResult]::new('--min-confidence', '--min-confidence', [CompletionResultType]::ParameterName, 'Lowest confidence that is reported [default: medium, or min-confidence in .piiscan.toml]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest confidence that makes the run fail with exit code 1 [default: medium, or fail-on in .piiscan.toml]')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Scan what the current branch adds since its merge base with BASE (pull requests), reporting only findings on added lines')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Suppress the known findings recorded in FILE (see `piiscan baseline`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of the .piiscan.toml found at the repository root')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Scan only shard K of N (1-based, e.g. 2/8): each input goes to exactly one shard by a fixed hash of its path')
            [CompletionResult]::new('--shard-index', '--shard-index', [CompletionResultType]::ParameterName, '0-based shard index (default: $JOB_COMPLETION_INDEX, as Kubernetes Indexed Jobs set it)')
            [CompletionResult]::new('--shard-count', '--shard-count', [CompletionResultType]::ParameterName, 'Number of shards, with --shard-index')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Record mode for Spark/Hadoop workers: read standard input (`-`) as records, one per line (`lines`), or JSON objects with a path and a text field (`jsonl`); write JSONL findings, exit 0')
            [CompletionResult]::new('--path-field', '--path-field', [CompletionResultType]::ParameterName, 'With --input-format jsonl: the field holding the record''s path')
            [CompletionResult]::new('--text-field', '--text-field', [CompletionResultType]::ParameterName, 'With --input-format jsonl: the field holding the record''s text')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'How values are shown: partial (a hint of the shape), full (nothing) or none (raw: local audits only)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Number of scanning threads (default: the number of CPUs)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Number of scanning threads (default: the number of CPUs)')
            [CompletionResult]::new('--max-filesize', '--max-filesize', [CompletionResultType]::ParameterName, 'Skip files larger than SIZE (e.g. 500K, 10M, 2G); skipped files are listed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors in text output')
            [CompletionResult]::new('--sarif-category', '--sarif-category', [CompletionResultType]::ParameterName, 'SARIF only: the run''s automationDetails.id, distinct per upload when several are made for one commit (a "/" is appended when ID has none)')
            [CompletionResult]::new('--stdin-name', '--stdin-name', [CompletionResultType]::ParameterName, 'The path standard input (`-`) is reported as')
            [CompletionResult]::new('--max-decompressed', '--max-decompressed', [CompletionResultType]::ParameterName, 'Stop decompressing an input after SIZE bytes, archive members included (default 10G; also lifts the check that stops inputs expanding over 1000:1)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Bytes scanned at once (tests)')
            [CompletionResult]::new('--part-size', '--part-size', [CompletionResultType]::ParameterName, 'Bytes per part when several threads search one large file (tests)')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Scan only what is staged for the next commit, and report only findings on the lines it adds')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore any .piiscan.toml')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Add to each finding why it got its confidence (validator, context words)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 2 when any input was skipped or not scanned to the end (binary, too large, unreadable, special, truncated, stopped by a limit), even without findings')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore, .ignore and .piiscanignore files')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'Scan hidden files and directories too')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow symbolic links')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow symbolic links')
            [CompletionResult]::new('--mmap', '--mmap', [CompletionResultType]::ParameterName, 'Memory-map large files not modified for five minutes instead of reading them (a file that another process truncates while it is mapped ends the scan with SIGBUS)')
            [CompletionResult]::new('--no-mmap', '--no-mmap', [CompletionResultType]::ParameterName, 'Read files, never memory-map them (the default)')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show a progress bar on stderr even when it is not a terminal (default: only on a terminal, never with CI set)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show a progress bar')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'piiscan;config' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a configuration file (default: the .piiscan.toml found from here)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;config;check' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'piiscan;config;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a configuration file (default: the .piiscan.toml found from here)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;config;help;check' {
            break
        }
        'piiscan;config;help;help' {
            break
        }
        'piiscan;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'piiscan;help' {
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Scan files and directories for personal data')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List, describe or test detection rules')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Show the policy''s declared categories and the rules that feed each')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Record the current findings as accepted, so later scans report only new ones')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check a .piiscan.toml configuration file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'piiscan;help;scan' {
            break
        }
        'piiscan;help;rules' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'One line per rule: id, confidence, categories, name')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Everything about one rule')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check the examples and counterexamples of the rules in DIR (or one rule file)')
            break
        }
        'piiscan;help;rules;list' {
            break
        }
        'piiscan;help;rules;show' {
            break
        }
        'piiscan;help;rules;test' {
            break
        }
        'piiscan;help;policy' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the categories (the default)')
            break
        }
        'piiscan;help;policy;show' {
            break
        }
        'piiscan;help;baseline' {
            break
        }
        'piiscan;help;config' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a configuration file (default: the .piiscan.toml found from here)')
            break
        }
        'piiscan;help;config;check' {
            break
        }
        'piiscan;help;completions' {
            break
        }
        'piiscan;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
