/**
 * The reference agents: GL-DATA-X-001 (data loader), GL-MRV-X-001 (emissions) and GL-002 (boiler efficiency),
 * which chain through their outputs ({@code dataset} -> {@code dataset}, {@code total_tco2e} ->
 * {@code emissions_tco2e}). Each is an {@link io.greenlang.agents.sdk.Agent}; the arithmetic lives in classes
 * without I/O ({@code EmissionsInventory},
 * {@link io.greenlang.agents.reference.BoilerEfficiency}) so it is tested on its own. Documented in
 * {@code docs/agents.md}.
 */
package io.greenlang.agents.reference;
