package io.nott.registry.unit.rest;

import io.nott.registry.auth.Caller;
import io.nott.registry.auth.EditorOnly;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitPatch;
import io.nott.registry.unit.UnitRequest;
import io.nott.registry.unit.UnitSet;
import io.nott.registry.unit.dryrun.DryRunRequest;
import io.nott.registry.unit.dryrun.DryRunResult;
import io.nott.registry.unit.dryrun.DryRunService;
import io.nott.registry.unit.repository.LegacyRepository;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.registry.unit.repository.UnitRepository.Committed;
import io.nott.registry.unit.service.Preconditions;
import io.nott.registry.unit.service.UnitService;
import io.nott.registry.unit.service.UnitValidation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import io.nott.registry.error.ErrorBody;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Computing units: CRUD with ETags, history and rollback, validation, legacy import. */
@Path("/api/v1/units")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "units")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "bearer")
public class UnitResource {

    private final UnitRepository units;
    private final LegacyRepository legacy;
    private final UnitService service;
    private final UnitValidation validation;
    private final Caller caller;
    private final DryRunService dryRun;

    public UnitResource(UnitRepository units, LegacyRepository legacy, UnitService service, UnitValidation validation,
            Caller caller, DryRunService dryRun) {
        this.dryRun = dryRun;
        this.units = units;
        this.legacy = legacy;
        this.service = service;
        this.validation = validation;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Units (registry units by id, then legacy ones), filtered and paged as asked; ETag = the global version")
    @APIResponse(responseCode = "200", description = "The matching units (all of them without limit), registry ones first, then legacy ones; total counts every match", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitListView.class)))
    @APIResponse(responseCode = "304", description = "Not modified since the version in If-None-Match")
    @APIResponse(responseCode = "400", description = "limit, offset or phase is not valid", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response list(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @Parameter(description = "Units per page, 1 to 1000; all matching units when absent") @QueryParam("limit") String limit,
            @Parameter(description = "How many matching units to skip (the previous page's next)") @QueryParam("offset") String offset,
            @Parameter(description = "Only units of this phase (access, header_filter, ...)") @QueryParam("phase") String phase,
            @Parameter(description = "Only units naming this host pattern (exactly, case-insensitive)") @QueryParam("host") String host,
            @Parameter(description = "Only units whose id starts with this") @QueryParam("prefix") String prefix) {
        UnitListQuery query = UnitListQuery.parse(limit, offset, phase, host, prefix);
        // A client that has this version (the UI polls) costs one GET of the version, not a read of every unit.
        if (Preconditions.etag(units.globalVersion()).equals(ifNoneMatch)) {
            return Response.notModified().header(HttpHeaders.ETAG, ifNoneMatch).build();
        }
        UnitRepository.Listing listing = units.list();
        String etag = Preconditions.etag(listing.version());
        if (etag.equals(ifNoneMatch)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        List<UnitView> views = new ArrayList<>();
        listing.units().forEach(u -> views.add(UnitView.of(u)));
        legacy.list().forEach(l -> views.add(UnitView.of(l)));
        return Response.ok(query.page(listing.version(), views)).header(HttpHeaders.ETAG, etag).build();
    }

    @PUT
    @EditorOnly
    @Operation(summary = "Apply a whole set of units atomically (GitOps): the registry's units become exactly the "
            + "document's (missing ones are deleted, equal ones untouched) in one new version with one change message. "
            + "Every unit is checked first; problems name the unit (units[<id>].field). If-Match: \"<global version>\" "
            + "= only if nothing changed since (else 412). Legacy units are left alone")
    @APIResponse(responseCode = "200", description = "Applied (or nothing differed); ETag = the global version", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitSetApplyView.class)))
    @APIResponse(responseCode = "400", description = "At least one unit is invalid; nothing was applied", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "412", description = "If-Match did not hold: the registry changed since that version", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "The document is larger than quarkus.http.limits.max-body-size, or holds more units than registry.max-set-units", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response applyAll(UnitSet set, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        UnitRepository.Applied applied = service.applyAll(set, new Preconditions(ifMatch, null), caller.actor());
        var changes = applied.changes();
        return Response.ok(new UnitSetApplyView(applied.version(), changes.created().stream().map(s -> s.id()).toList(),
                changes.updated().stream().map(s -> s.id()).toList(), changes.deleted(), changes.unchanged()))
                .header(HttpHeaders.ETAG, Preconditions.etag(applied.version())).build();
    }

    @GET
    @Path("export")
    @Operation(summary = "Every registry unit as one document (what PUT /api/v1/units applies); ETag = the global version")
    @APIResponse(responseCode = "200", description = "The registry's units at one global version", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitSet.class)))
    public Response export() {
        UnitSet set = service.export();
        return Response.ok(set).header(HttpHeaders.ETAG, Preconditions.etag(set.version())).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One unit; ETag = its version. Falls back to a legacy unit of that id")
    @APIResponse(responseCode = "200", description = "The unit (a legacy one has no version)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitView.class)))
    @APIResponse(responseCode = "304", description = "Not modified since the version in If-None-Match")
    @APIResponse(responseCode = "404", description = "No such unit", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response get(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        var found = units.find(id);
        if (found.isPresent()) {
            String etag = Preconditions.etag(found.get().version());
            if (etag.equals(ifNoneMatch)) {
                return Response.notModified().header(HttpHeaders.ETAG, etag).build();
            }
            return Response.ok(UnitView.of(found.get())).header(HttpHeaders.ETAG, etag).build();
        }
        return legacy.find(id).map(l -> Response.ok(UnitView.of(l)).build())
                .orElseThrow(() -> RegistryException.notFound("No unit " + id));
    }

    @PUT
    @Path("{id}")
    @EditorOnly
    @Operation(summary = "Create or replace a unit. If-None-Match: * = create only; If-Match: \"<version>\" = "
            + "only if unchanged (else 412)")
    @APIResponse(responseCode = "200", description = "Replaced", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitView.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitView.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "412", description = "If-Match or If-None-Match did not hold: the unit changed (or exists) meanwhile", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response put(@PathParam("id") String id, UnitRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        UnitService.PutResult result = service.put(id, request, new Preconditions(ifMatch, ifNoneMatch), caller.actor());
        StoredUnit unit = result.committed().unit().orElseThrow();
        Response.ResponseBuilder builder = result.created()
                ? Response.created(URI.create("/api/v1/units/" + id)) : Response.ok();
        return builder.entity(UnitView.of(unit)).header(HttpHeaders.ETAG, Preconditions.etag(unit.version())).build();
    }

    @PATCH
    @Path("{id}")
    @EditorOnly
    @Operation(summary = "Change enabled, sampling, order, hosts or paths; honours If-Match")
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitView.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such unit", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "412", description = "If-Match or If-None-Match did not hold: the unit changed (or exists) meanwhile", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response patch(@PathParam("id") String id, UnitPatch patch,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return written(service.patch(id, patch, new Preconditions(ifMatch, null), caller.actor()));
    }

    @DELETE
    @Path("{id}")
    @EditorOnly
    @Operation(summary = "Delete a unit (its history stays, so it can be rolled back); honours If-Match. A legacy "
            + "(coding_units) unit of that id is deleted too when no registry unit has it")
    @APIResponse(responseCode = "204", description = "Deleted (X-Registry-Version: the new global version)")
    @APIResponse(responseCode = "400", description = "The id is not a valid unit id", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such unit", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "The legacy unit was deleted but a registry unit of that id appeared meanwhile", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "412", description = "If-Match or If-None-Match did not hold: the unit changed (or exists) meanwhile", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        Committed committed = service.delete(id, new Preconditions(ifMatch, null), caller.actor());
        return Response.noContent().header("X-Registry-Version", committed.version()).build();
    }

    @GET
    @Path("{id}/versions")
    @Operation(summary = "The unit's history, newest first (deletes appear as deleted entries)")
    @APIResponse(responseCode = "200", description = "The history, newest first", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionView.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "404", description = "No such unit", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public List<VersionView> versions(@PathParam("id") String id) {
        var history = units.history(id);
        if (history.isEmpty()) {
            throw RegistryException.notFound("Unit " + id + " has no history");
        }
        return history.stream().map(h -> new VersionView(h.version(), h.action(), h.at(), h.actor(), h.deleted(),
                h.unit())).toList();
    }

    @POST
    @Path("{id}/rollback")
    @EditorOnly
    @Operation(summary = "Make the content of an earlier version the newest version; honours If-Match")
    @APIResponse(responseCode = "200", description = "The earlier content is the newest version", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitView.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such unit", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "412", description = "If-Match or If-None-Match did not hold: the unit changed (or exists) meanwhile", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response rollback(@PathParam("id") String id, RollbackRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        if (request == null || request.version() == null) {
            throw RegistryException.badRequest("version", "Send {\"version\": <n>}, a version from GET /units/" + id
                    + "/versions");
        }
        return written(service.rollback(id, request.version(), new Preconditions(ifMatch, null), caller.actor()));
    }

    @POST
    @Path("{id}/import")
    @EditorOnly
    @Operation(summary = "Import a legacy (coding_units) unit into the registry format; removes the legacy key "
            + "unless keepLegacy=true")
    @APIResponse(responseCode = "201", description = "Imported", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UnitView.class)))
    @APIResponse(responseCode = "400", description = "The legacy unit cannot be read or is invalid", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The token has the viewer role; this needs an editor token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such unit", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "A registry unit of that id exists already", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response importLegacy(@PathParam("id") String id, @QueryParam("keepLegacy") @DefaultValue("false") boolean keep) {
        Committed committed = service.importLegacy(id, keep, caller.actor());
        StoredUnit unit = committed.unit().orElseThrow();
        return Response.created(URI.create("/api/v1/units/" + id)).entity(UnitView.of(unit))
                .header(HttpHeaders.ETAG, Preconditions.etag(unit.version())).build();
    }

    @POST
    @Path("validate")
    @Operation(summary = "Check a unit without storing or running it: every problem with its field, Lua errors "
            + "with their line")
    @APIResponse(responseCode = "200", description = "Whether the unit is valid, and every problem", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ValidationView.class)))
    public ValidationView validate(UnitRequest request) {
        validation.checkSize(request);
        // A draft may not have an id yet; it is then checked under a placeholder name.
        var problems = validation.problems(request != null && request.id() == null ? "draft" : null, request);
        return new ValidationView(problems.isEmpty(), problems);
    }

    @POST
    @Path("test")
    // A viewer may dry-run: nothing is stored, so it is a read like validate.
    @Operation(summary = "Dry run: run a unit (inline or by id) or the stored chain against a sample request in the "
            + "edge's sandbox and runner; answers status, headers, body, log lines, outcome, duration, instructions. "
            + "Nothing is stored")
    @APIResponse(responseCode = "200", description = "What the unit(s) did to the sample request", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DryRunResult.class)))
    // Units run here (CPU-bound, bounded by DryRunGate): on a worker thread, never on an event loop.
    @io.smallrye.common.annotation.Blocking
    public DryRunResult test(DryRunRequest request,
            @org.eclipse.microprofile.openapi.annotations.parameters.Parameter(description = "canary: run the units' "
                    + "canary versions; stable: their stable ones; left out: split each request by its canary key, as "
                    + "an edge does") @QueryParam("version") String version) {
        return dryRun.run(request, version);
    }

    private static Response written(Committed committed) {
        StoredUnit unit = committed.unit().orElseThrow();
        return Response.ok(UnitView.of(unit)).header(HttpHeaders.ETAG, Preconditions.etag(unit.version())).build();
    }
}
