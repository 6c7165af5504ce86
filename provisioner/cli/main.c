/* main.c - dmsprov entry point: hands argv to the command dispatcher. */
#include "provisioner/cli/cli.h"

int main(int argc, char **argv) { return dp_cli_main(argc, argv); }
