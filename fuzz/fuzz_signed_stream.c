/* fuzz_signed_stream.c — the Turbo signed stream name verifier (signed_stream.h), which reads
 * whatever a browser puts in a turbo_stream_from subscription: any token either fails or
 * yields a name, and a yielded name signed again must verify to the same name. */
#include <string.h>
#include "fuzz.h"
#include "signed_stream.h"

static unsigned char key[QR_STREAM_KEY_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    qr_signed_stream_key("fuzz-secret-key-base-0123456789abcdef0123456789abcdef", key);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *name = qr_signed_stream_verify(key, sizeof key, (const char *)data, size);
    if (!name) return 0;
    char *token = qr_signed_stream_sign(key, sizeof key, name, strlen(name));
    FUZZ_CHECK(token != NULL);
    char *again = qr_signed_stream_verify(key, sizeof key, token, strlen(token));
    FUZZ_CHECK(again != NULL && strcmp(again, name) == 0);
    free(again);
    free(token);
    free(name);
    return 0;
}
