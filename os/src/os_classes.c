#include "hack/os.h"

#include <string.h>

const hack_os_class *hack_os_find_class(const char *name)
{
    for (size_t i = 0; i < hack_os_class_count; i++)
        if (strcmp(hack_os_classes[i].name, name) == 0) return &hack_os_classes[i];
    return NULL;
}
