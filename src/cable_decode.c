/* cable_decode.c — the Action Cable command decoder (cable_decode.h): one client message -> a
 * qr_cable_cmd_t, one subscription identifier -> a qr_cable_ident_t. Owns only the rules of what a
 * well-formed command is (one JSON object and nothing after it, last duplicate member wins, no
 * NUL anywhere, a known command, a string identifier); what a command does is cable.c's.
 * Calls cJSON and common.h's allocators only; pure, so it runs anywhere (supervisor loop,
 * unit tests, fuzz/fuzz_cable.c). */
#include "cable_decode.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

/* 1 when the JSON text holds a raw NUL byte or a \u0000 escape (cJSON would cut a string there). */
static int has_nul(const char *s, size_t len)
{
    if (memchr(s, 0, len)) return 1;
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] != '\\') continue;
        if (s[i + 1] == 'u' && i + 5 < len && s[i + 2] == '0' && s[i + 3] == '0' && s[i + 4] == '0' && s[i + 5] == '0')
            return 1;
        i++; /* the escaped character */
    }
    return 0;
}

/* The whole of s[0, len) as one JSON object (only whitespace after it), or NULL. */
static cJSON *parse_object(const char *s, size_t len)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(s, len, &end, 0);
    if (!root) return NULL;
    while (end < s + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) end++;
    if (!cJSON_IsObject(root) || end != s + len) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* The last member of obj named name (JSON.parse keeps the last of repeated names), or NULL. */
static const cJSON *member(const cJSON *obj, const char *name)
{
    const cJSON *e, *found = NULL;
    cJSON_ArrayForEach(e, obj) {
        if (e->string && strcmp(e->string, name) == 0) found = e;
    }
    return found;
}

static char *string_member(const cJSON *obj, const char *name, size_t *len)
{
    const cJSON *e = member(obj, name);
    if (!cJSON_IsString(e) || !e->valuestring) return NULL;
    if (len) *len = strlen(e->valuestring);
    return qr_xstrdup(e->valuestring);
}

int qr_cable_decode(const char *json, size_t len, qr_cable_cmd_t *out)
{
    memset(out, 0, sizeof *out);
    cJSON *root = parse_object(json, len);
    if (!root) return -EBADMSG;
    if (has_nul(json, len)) {
        cJSON_Delete(root);
        return -EILSEQ;
    }
    const cJSON *cmd = member(root, "command");
    const cJSON *id = member(root, "identifier");
    int r = 0;
    if (!cJSON_IsString(cmd) || !cmd->valuestring) r = -ENOTSUP;
    else if (strcmp(cmd->valuestring, "subscribe") == 0) out->command = QR_CABLE_SUBSCRIBE;
    else if (strcmp(cmd->valuestring, "unsubscribe") == 0) out->command = QR_CABLE_UNSUBSCRIBE;
    else if (strcmp(cmd->valuestring, "message") == 0) out->command = QR_CABLE_MESSAGE;
    else r = -ENOTSUP;
    if (r == 0 && (!cJSON_IsString(id) || !id->valuestring)) r = -EINVAL;
    if (r == 0) {
        out->identifier = string_member(root, "identifier", &out->identifier_len);
        if (out->command == QR_CABLE_MESSAGE) out->data = string_member(root, "data", &out->data_len);
    } else {
        out->command = 0;
    }
    cJSON_Delete(root);
    return r;
}

void qr_cable_cmd_free(qr_cable_cmd_t *cmd)
{
    free(cmd->identifier);
    free(cmd->data);
    memset(cmd, 0, sizeof *cmd);
}

int qr_cable_decode_identifier(const char *identifier, size_t len, qr_cable_ident_t *out)
{
    memset(out, 0, sizeof *out);
    if (len > QR_CABLE_MAX_IDENTIFIER) return -E2BIG;
    if (has_nul(identifier, len)) return -EILSEQ;
    cJSON *root = parse_object(identifier, len);
    if (!root) return -EBADMSG;
    out->channel = string_member(root, "channel", NULL);
    out->signed_stream_name = string_member(root, "signed_stream_name", NULL);
    cJSON_Delete(root);
    return 0;
}

void qr_cable_ident_free(qr_cable_ident_t *id)
{
    free(id->channel);
    free(id->signed_stream_name);
    memset(id, 0, sizeof *id);
}
