package io.greenlang.agents.reference;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.agents.sdk.Agent;
import io.greenlang.agents.sdk.AgentContext;
import io.greenlang.agents.sdk.Decimals;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * GL-MRV-X-001, emissions for measurement, reporting and verification: multiplies fuel use by the
 * {@link EmissionFactors} (DESNZ 2024, kg CO2e per unit) and reports tonnes CO2e per source, per fuel and in total.
 *
 * <p>Input {@code dataset}: the {@code s3://} URI of a CSV with the columns {@code source}, {@code fuel},
 * {@code quantity}, {@code unit} (names compared after lower_snake_case normalisation; other columns ignored), usually
 * the {@code dataset} output of GL-DATA-X-001. Fuels: {@code natural_gas} ({@code m3}, {@code kWh}, {@code therm}),
 * {@code diesel}, {@code petrol}, {@code lpg}, {@code fuel_oil} ({@code l}), {@code coal} ({@code kg}); spellings such
 * as {@code Natural Gas} or {@code litres} are accepted.
 *
 * <p>Outputs: {@code total_tco2e} (tonnes CO2e, at most 6 decimals), {@code sources} (number of distinct sources),
 * {@code rows}, {@code breakdown} (URI of {@code artifacts/breakdown.json}: totals per source and fuel, quantities per
 * unit, and each factor used with its origin).
 *
 * <p>Errors: {@code GL-E-PARAM-MISSING} without {@code dataset}; {@code GL-E-DATA-NOT-FOUND} when it names no
 * object; {@code GL-E-DATA-SCHEMA} naming the row for a missing column, an unknown fuel or unit, a quantity that is
 * not a non-negative number, or a blank field.
 */
public final class EmissionsAgent implements Agent {

    /** The agent id. */
    public static final String ID = "GL-MRV-X-001";
    /** The artifact name (under {@code artifacts/}). */
    public static final String ARTIFACT = "breakdown.json";

    private static final Logger log = LoggerFactory.getLogger(EmissionsAgent.class);

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
        return "Emissions (MRV): fuel use x DESNZ 2024 emission factors -> tCO2e per source and fuel, breakdown.json";
    }

    @Override
    public void run(AgentContext context) throws IOException {
        String dataset = context.requireInput("dataset");
        EmissionsInventory inventory;
        try (Reader in = Files.newBufferedReader(context.download(dataset), StandardCharsets.UTF_8)) {
            inventory = EmissionsInventory.read(in);
        } catch (CharacterCodingException e) {
            throw new GreenLangException(ErrorCode.DATA_SCHEMA, "the dataset " + dataset + " is not UTF-8 text", e);
        }
        S3Location breakdown = context.writeArtifact(ARTIFACT,
                Reports.bytes(inventory.toReport(ID, version(), dataset)), "application/json");
        String total = Decimals.format(inventory.totalTonnes());
        log.info("{} row(s), {} source(s): {} tCO2e", inventory.rows(), inventory.bySource().size(), total);
        context.output("total_tco2e", total);
        context.output("sources", Integer.toString(inventory.bySource().size()));
        context.output("rows", Long.toString(inventory.rows()));
        context.output("breakdown", breakdown.uri());
    }
}
