package io.nott.registry.rollout.rest;

import io.nott.registry.auth.Caller;
import io.nott.registry.auth.EditorOnly;
import io.nott.registry.error.ErrorBody;
import io.nott.registry.rollout.UnitHealthView;
import io.nott.registry.rollout.service.HealthService;
import io.nott.registry.rollout.service.RolloutService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A unit's per-version health across the edges and its rollout (issue #18). */
@Path("/api/v1/units/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "rollouts")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "bearer")
public class RolloutResource {

    private final HealthService health;
    private final RolloutService rollouts;
    private final Caller caller;

    public RolloutResource(HealthService health, RolloutService rollouts, Caller caller) {
        this.health = health;
        this.rollouts = rollouts;
        this.caller = caller;
    }

    @GET
    @Path("health")
    @Operation(summary = "What each version of the unit (stable, canary) did across the edges over their window: calls, "
            + "errors, timeouts, breaker trips, exits by status class, p50/p99; versions without calls are left out")
    @APIResponse(responseCode = "200", description = "The unit's figures (versions is empty when no edge saw a call)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitHealthView.class)))
    public UnitHealthView health(@PathParam("id") String id) {
        return health.of(id);
    }

    @GET
    @Path("rollout")
    @Operation(summary = "The unit's rollout: state, plan, current step and every decision with its figures")
    @APIResponse(responseCode = "200", description = "The rollout", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RolloutView.class)))
    @APIResponse(responseCode = "404", description = "The unit never had a rollout", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public RolloutView rollout(@PathParam("id") String id) {
        return RolloutView.of(rollouts.get(id), rollouts.decisions(id));
    }

    @POST
    @Path("rollout/{action}")
    @EditorOnly
    @Operation(summary = "pause, resume, promote (the next step now; from the last step the canary becomes stable) or "
            + "abort (the canary is removed) the unit's rollout")
    @APIResponse(responseCode = "200", description = "The rollout after the action", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RolloutView.class)))
    @APIResponse(responseCode = "400", description = "Unknown action", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "The unit has no rollout", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "The rollout is finished, or not in a state the action applies to", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public RolloutView act(@PathParam("id") String id, @PathParam("action") String action) {
        rollouts.act(id, action, caller.actor());
        return RolloutView.of(rollouts.get(id), rollouts.decisions(id));
    }
}
