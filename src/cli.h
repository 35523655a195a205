/* cli.h — the command line: `quickrail serve|up|run|--help|--version` and the subcommand table
 * others extend (cli.c). Runs first in every process (main.c calls qr_cli_main). */
#ifndef QR_CLI_H
#define QR_CLI_H

#include "config.h"

/* The whole program: parses argv and runs the subcommand. Returns the exit code (2 = usage). */
int qr_cli_main(int argc, char **argv);

/* Parses serve options (argv[0] is the first argument after "serve"; app_dir_default used
 * when no APP_DIR is given, or NULL to require one) into cfg (defaults + env already applied).
 * Returns 0, or QR_ECONFIG after printing what was wrong and how to do it right to stderr. */
int qr_cli_parse_serve(int argc, char **argv, const char *app_dir_default, qr_config_t *cfg);

#endif
