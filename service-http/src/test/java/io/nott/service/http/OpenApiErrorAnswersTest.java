package io.nott.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.junit.jupiter.api.Test;

class OpenApiErrorAnswersTest {

    @Test
    void optionalPropertiesMayBeNullAndRequiredOnesMayNot() {
        Schema schema = OASFactory.createSchema()
                .addProperty("id", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("note", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("phase", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .enumeration(List.of("access", "content")))
                .addProperty("budget", OASFactory.createSchema().ref("Budget"))
                .required(List.of("id"));

        OpenApiErrorAnswers.optionalMayBeNull(schema);

        assertThat(schema.getProperties().get("id").getType()).containsExactly(Schema.SchemaType.STRING);
        assertThat(schema.getProperties().get("note").getType())
                .containsExactly(Schema.SchemaType.STRING, Schema.SchemaType.NULL);
        assertThat(schema.getProperties().get("phase").getEnumeration()).containsExactly("access", "content", null);
        assertThat(schema.getProperties().get("budget").getAnyOf()).hasSize(2);
        assertThat(schema.getProperties().get("budget").getAnyOf().get(0).getRef()).endsWith("Budget");
    }

    @Test
    void errorAnswersAreAddedWithoutReplacingWhatAnOperationDocuments() {
        Operation operation = OASFactory.createOperation().responses(OASFactory.createAPIResponses()
                .addAPIResponse("404", OASFactory.createAPIResponse().description("No such unit")));

        OpenApiErrorAnswers.addErrorAnswers(operation, Map.of("404", "Not found", "500", "Unexpected error"));

        assertThat(operation.getResponses().getAPIResponse("404").getDescription()).isEqualTo("No such unit");
        assertThat(operation.getResponses().getAPIResponse("500").getDescription()).isEqualTo("Unexpected error");
        assertThat(operation.getResponses().getAPIResponse("500").getContent().getMediaType("application/json")
                .getSchema().getRef()).endsWith("ErrorBody");
    }
}
