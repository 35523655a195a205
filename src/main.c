/* main.c — the entry point of every quickrail process (supervisor, zygote, tasks): hands the
 * command line to cli.c. Nothing else lives here. */
#include "cli.h"

int main(int argc, char **argv) { return qr_cli_main(argc, argv); }
