package io.nott.registry.audit.rest;

import io.nott.registry.audit.AuditEntry;
import io.nott.registry.audit.repository.AuditRepository;
import io.nott.registry.error.ErrorBody;
import io.nott.registry.error.RegistryException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who changed what and when. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@SecurityRequirement(name = "bearer")
public class AuditResource {

    private final AuditRepository audit;

    public AuditResource(AuditRepository audit) {
        this.audit = audit;
    }

    @GET
    @Operation(summary = "Recent changes, newest first; filter by unit")
    @APIResponse(responseCode = "200", description = "OK", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditEntry.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "limit is not between 1 and 1000", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public List<AuditEntry> recent(@QueryParam("limit") @DefaultValue("100") int limit, @QueryParam("unit") String unit) {
        if (limit < 1 || limit > 1000) {
            throw RegistryException.badRequest("limit", "limit must be 1 to 1000");
        }
        return audit.recent(limit, unit);
    }
}
