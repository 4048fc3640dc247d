package io.greenlang.agents.reference;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.agents.sdk.Agent;
import io.greenlang.agents.sdk.AgentContext;
import io.greenlang.agents.sdk.Decimals;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * GL-DATA-X-001, the data loader: reads a CSV dataset, checks its header and writes a normalised copy for the
 * steps after it.
 *
 * <p>Inputs (step inputs or run parameters):
 * <ul>
 *   <li>{@code source}: the {@code s3://} URI of a CSV file, or</li>
 *   <li>{@code csv}: the CSV text itself (small datasets, demos); exactly one of the two;</li>
 *   <li>{@code required_columns} (optional): comma-separated column names the header must have, compared after
 *       normalisation (so {@code Fuel Type} satisfies {@code fuel_type}).</li>
 * </ul>
 *
 * <p>Normalisation: UTF-8 text (a byte order mark is dropped); column names in lower_snake_case; every cell trimmed;
 * rows whose cells are all blank dropped; cells that are decimal numbers ({@code .} as decimal separator) written in
 * their shortest form ({@code 1.50} is {@code 1.5}, {@code 2e3} is {@code 2000}), except integers with a leading zero
 * such as {@code 007}, which are identifiers and stay as they are; RFC 4180 quoting where a cell needs it; {@code \n}
 * line ends.
 *
 * <p>Outputs: {@code dataset}, the URI of the artifact {@code artifacts/dataset.csv}; {@code rows}, the number of data
 * rows; {@code columns}, the normalised header, comma-separated.
 *
 * <p>Errors: {@code GL-E-PARAM-MISSING} when neither input is given; {@code GL-E-PARAM-RANGE} when both are;
 * {@code GL-E-DATA-NOT-FOUND} when {@code source} names no object; {@code GL-E-DATA-SCHEMA} for text that is not
 * UTF-8, an unclosed quote, a row with a different number of fields from the header, a nameless or duplicate
 * column, a missing required column, or no header at all.
 */
public final class DataLoaderAgent implements Agent {

    /** The agent id. */
    public static final String ID = "GL-DATA-X-001";
    /** The artifact name (under {@code artifacts/}). */
    public static final String ARTIFACT = "dataset.csv";

    private static final Logger log = LoggerFactory.getLogger(DataLoaderAgent.class);
    private static final Pattern LEADING_ZERO_INTEGER = Pattern.compile("[+-]?0\\d+");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Data loader: reads a CSV dataset (s3:// source or inline), checks required columns, writes a "
                + "normalised dataset.csv";
    }

    @Override
    public void run(AgentContext context) throws IOException {
        Optional<String> source = context.input("source");
        Optional<String> inline = context.input("csv");
        if (source.isPresent() && inline.isPresent()) {
            throw new GreenLangException(ErrorCode.PARAM_RANGE, "give either 'source' (an s3:// URI) or 'csv' "
                    + "(inline text), not both");
        }
        if (source.isEmpty() && inline.isEmpty()) {
            throw new GreenLangException(ErrorCode.PARAM_MISSING, "give 'source' (the s3:// URI of a CSV file) or "
                    + "'csv' (inline CSV text)");
        }
        List<String> required = context.list("required_columns").stream().map(Csv::columnName).toList();
        Path normalised = context.workDirectory().resolve(ARTIFACT);
        Summary summary;
        try (Reader in = source.isPresent()
                ? Files.newBufferedReader(context.download(source.get()), StandardCharsets.UTF_8)
                : new StringReader(inline.get());
             Writer out = Files.newBufferedWriter(normalised, StandardCharsets.UTF_8)) {
            summary = normalise(in, out, required);
        } catch (CharacterCodingException e) {
            throw new GreenLangException(ErrorCode.DATA_SCHEMA, "the dataset is not UTF-8 text", e);
        }
        S3Location dataset = context.writeArtifact(ARTIFACT, normalised, "text/csv");
        log.info("Loaded {} row(s) of {} column(s) from {}; dropped {} empty row(s)", summary.rows(),
                summary.columns().size(), source.orElse("inline csv"), summary.droppedRows());
        context.output("dataset", dataset.uri());
        context.output("rows", Long.toString(summary.rows()));
        context.output("columns", String.join(",", summary.columns()));
    }

    /**
     * What {@link #normalise} did.
     *
     * @param columns     the normalised header
     * @param rows        data rows written
     * @param droppedRows blank rows dropped
     */
    record Summary(List<String> columns, long rows, long droppedRows) {
    }

    /**
     * Reads CSV from {@code in} and writes the normalised CSV to {@code out}.
     *
     * @param required normalised column names the header must have
     * @throws GreenLangException GL-E-DATA-SCHEMA as described on the class
     */
    static Summary normalise(Reader in, Writer out, List<String> required) throws IOException {
        Csv.Parser parser = new Csv.Parser(in instanceof BufferedReader ? in : new BufferedReader(in));
        Csv.Header header = null;
        long rows = 0;
        long dropped = 0;
        Optional<Csv.Record> next;
        while ((next = parser.next()).isPresent()) {
            Csv.Record record = next.get();
            if (record.isBlank()) {
                dropped += header == null ? 0 : 1;
                continue;
            }
            if (header == null) {
                header = Csv.Header.of(record);
                header.require(required);
                Csv.write(out, header.columns());
                continue;
            }
            header.check(record);
            List<String> cells = new ArrayList<>(record.fields().size());
            for (String field : record.fields()) {
                cells.add(cell(field));
            }
            Csv.write(out, cells);
            rows++;
        }
        if (header == null) {
            throw Csv.schema("the dataset is empty: it has no header line");
        }
        return new Summary(header.columns(), rows, dropped);
    }

    /** A trimmed cell, numbers in their shortest form (identifiers such as {@code 007} excepted). */
    static String cell(String field) {
        String value = field.strip();
        if (LEADING_ZERO_INTEGER.matcher(value).matches()) {
            return value;
        }
        return Decimals.parse(value).map(Decimals::format).orElse(value);
    }
}
