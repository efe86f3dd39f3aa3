package io.nott.registry.edge.rest;

import io.nott.registry.edge.EdgeStatus;
import io.nott.registry.edge.repository.HeartbeatRepository;
import io.nott.registry.unit.repository.UnitRepository;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The edge fleet: which node runs which version. */
@Path("/api/v1/edges")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "edges")
@SecurityRequirement(name = "bearer")
public class EdgeResource {

    /** The fleet and the version they should converge to. */
    public record Fleet(long version, List<EdgeStatus> edges) {
    }

    private final HeartbeatRepository heartbeats;
    private final UnitRepository units;

    public EdgeResource(HeartbeatRepository heartbeats, UnitRepository units) {
        this.heartbeats = heartbeats;
        this.units = units;
    }

    @GET
    @Operation(summary = "Every edge node's last heartbeat: applied version, when, units loaded, errors")
    @APIResponse(responseCode = "200", description = "OK", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EdgeResource.Fleet.class)))
    public Fleet fleet() {
        long version = units.globalVersion();
        return new Fleet(version, heartbeats.fleet(version));
    }
}
