#include <stdio.h>
#include "version.h"

int main(int argc, char **argv)
{
    printf("virt-v2v-wrapper %s\n", WRAPPER_VERSION);
    return 0;
}
