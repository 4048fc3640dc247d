package io.greenlang.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gl docs}: regenerates every reference document under docs/ from the declarations. */
@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Regenerate the reference documents (config, errors, metrics, topics) from the code.")
final class DocsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-d", "--directory"}, paramLabel = "DIR", defaultValue = "docs",
            description = "Directory to write into (default: ${DEFAULT-VALUE}).")
    private Path directory;

    @Override
    public Integer call() throws IOException {
        for (Map.Entry<String, Supplier<String>> doc : ReferenceDocs.all().entrySet()) {
            int rc = write(spec, directory.resolve(doc.getKey()), doc.getValue().get());
            if (rc != 0) {
                return rc;
            }
        }
        return 0;
    }

    /** Writes {@code content} to {@code output} ('-' = standard output) and says so. */
    static int write(CommandLine.Model.CommandSpec spec, Path output, String content) throws IOException {
        if (output.toString().equals("-")) {
            spec.commandLine().getOut().print(content);
            spec.commandLine().getOut().flush();
            return 0;
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(output, content, StandardCharsets.UTF_8);
        spec.commandLine().getErr().println("wrote " + output);
        return 0;
    }
}
