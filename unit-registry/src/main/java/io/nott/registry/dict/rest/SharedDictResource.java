package io.nott.registry.dict.rest;

import io.nott.registry.auth.Caller;
import io.nott.registry.auth.EditorOnly;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.dict.SharedDictListView;
import io.nott.registry.dict.SharedDictRequest;
import io.nott.registry.dict.SharedDictView;
import io.nott.registry.dict.repository.SharedDictRepository;
import io.nott.registry.error.ErrorBody;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.service.ChangePublisher;
import io.nott.unit.model.SharedDictSpec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Node-wide shared dicts ({@code lua_shared_dict name size}): declared here at run time, pushed to
 * every edge with the snapshot of the same version, where units reach them as
 * {@code ngx.shared.<name>}.
 */
@Path("/api/v1/shared-dicts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "shared-dicts")
@SecurityRequirement(name = "bearer")
public class SharedDictResource {

    private final SharedDictRepository dicts;
    private final ChangePublisher publisher;
    private final Caller caller;
    private final long maxTotalBytes;

    public SharedDictResource(SharedDictRepository dicts, ChangePublisher publisher, Caller caller,
            RegistryConfig config) {
        this.dicts = dicts;
        this.publisher = publisher;
        this.caller = caller;
        this.maxTotalBytes = SharedDictSpec.parseSize(config.sharedDicts().maxTotal());
    }

    @GET
    @Operation(summary = "Every declared shared dict, with their total and the registry's bound on it")
    @APIResponse(responseCode = "200", description = "The dicts, by name", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SharedDictListView.class)))
    public SharedDictListView list() {
        SharedDictRepository.Listing l = dicts.list();
        return new SharedDictListView(l.version(), l.dicts().stream().map(SharedDictView::of).toList(), l.totalBytes(),
                maxTotalBytes);
    }

    @GET
    @Path("{name}")
    @Operation(summary = "One shared dict")
    @APIResponse(responseCode = "200", description = "The dict", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SharedDictView.class)))
    @APIResponse(responseCode = "404", description = "No such dict", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public SharedDictView get(@PathParam("name") String name) {
        return dicts.list().dicts().stream().filter(d -> d.name().equals(name)).findFirst().map(SharedDictView::of)
                .orElseThrow(() -> RegistryException.notFound("No shared dict " + name
                        + "; declare it with PUT /api/v1/shared-dicts/" + name + " {\"size\":\"10m\"}"));
    }

    @PUT
    @Path("{name}")
    @EditorOnly
    @Operation(summary = "Declare or resize a shared dict (as lua_shared_dict name size); edges apply it with the"
            + " next snapshot, keeping its contents when resized")
    @APIResponse(responseCode = "200", description = "Resized (or unchanged)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SharedDictView.class)))
    @APIResponse(responseCode = "201", description = "Declared", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SharedDictView.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response put(@PathParam("name") String name, SharedDictRequest request) {
        SharedDictSpec spec = validate(name, request);
        boolean[] created = new boolean[1];
        var notice = dicts.commit(name, caller.actor(), current -> {
            long others = current.dicts().stream().filter(d -> !d.name().equals(name))
                    .mapToLong(SharedDictSpec::sizeBytes).sum();
            if (others + spec.sizeBytes() > maxTotalBytes) {
                throw RegistryException.badRequest("size", "Shared dicts would take " + SharedDictSpec.format(
                        others + spec.sizeBytes()) + " on every edge node, above registry.shared-dicts.max-total ("
                        + SharedDictSpec.format(maxTotalBytes) + "); shrink or delete other dicts first");
            }
            created[0] = current.dicts().stream().noneMatch(d -> d.name().equals(name));
            return spec;
        });
        publisher.publish(notice);
        return Response.status(created[0] ? 201 : 200).entity(SharedDictView.of(spec)).build();
    }

    @DELETE
    @Path("{name}")
    @EditorOnly
    @Operation(summary = "Remove a shared dict; edges drop it (and its contents) with the next snapshot")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such dict", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response delete(@PathParam("name") String name) {
        var notice = dicts.commit(name, caller.actor(), current -> {
            if (current.dicts().stream().noneMatch(d -> d.name().equals(name))) {
                throw RegistryException.notFound("No shared dict " + name);
            }
            return null;
        });
        publisher.publish(notice);
        return Response.noContent().build();
    }

    private static SharedDictSpec validate(String name, SharedDictRequest request) {
        if (!SharedDictSpec.NAME.matcher(name).matches()) {
            throw RegistryException.badRequest("name", "Shared dict name must match " + SharedDictSpec.NAME.pattern()
                    + " (a Lua identifier, so units can write ngx.shared." + "name), got '" + name + "'");
        }
        if (request == null || request.size() == null) {
            throw RegistryException.badRequest("size", "Send the size as lua_shared_dict takes it, e.g. {\"size\":\"10m\"}");
        }
        long bytes;
        try {
            bytes = SharedDictSpec.parseSize(request.size());
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("size", e.getMessage());
        }
        String problem = SharedDictSpec.problem(name, bytes);
        if (problem != null) {
            throw RegistryException.badRequest("size", problem);
        }
        return new SharedDictSpec(name, bytes);
    }
}
