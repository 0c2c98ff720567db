#include <stdio.h>
#include <string.h>

struct record {
    int id;
    short kind;
    char name[10];
    double value;
};

int main(void)
{
    struct record out[5];
    memset(out, 0, sizeof out);
    for (int i = 0; i < 5; i++) {
        out[i].id = 1000 + i;
        out[i].kind = (short)(i * 3);
        sprintf(out[i].name, "rec%d\n", i); /* a '\n' must stay one byte in binary mode */
        out[i].value = i * 1.25;
    }
    printf("sizeof(struct record)=%u\n", (unsigned)sizeof(struct record));

    FILE *f = fopen("records.bin", "wb");
    printf("fwrite: %u\n", (unsigned)fwrite(out, sizeof out[0], 5, f));
    unsigned char bytes[] = {0x0D, 0x0A, 0x1A, 0x00, 0xFF};
    printf("fwrite bytes: %u\n", (unsigned)fwrite(bytes, 1, sizeof bytes, f));
    printf("ftell: %ld\n", ftell(f));
    fclose(f);

    f = fopen("records.bin", "rb");
    struct record in;
    fseek(f, 3 * (long)sizeof in, SEEK_SET);
    printf("fread: %u\n", (unsigned)fread(&in, sizeof in, 1, f));
    printf("record 3: id=%d kind=%d name=%.4s value=%.2f\n", in.id, in.kind, in.name, in.value);
    fseek(f, -2 * (long)sizeof in, SEEK_CUR);
    fread(&in, sizeof in, 1, f);
    printf("record 2: id=%d\n", in.id);
    fseek(f, -5, SEEK_END);
    printf("ftell at end-5: %ld\n", ftell(f));
    int c;
    printf("tail:");
    while ((c = fgetc(f)) != EOF)
        printf(" %02X", c);
    printf("\nfeof=%d\n", feof(f) != 0);
    rewind(f);
    printf("after rewind: feof=%d ftell=%ld\n", feof(f) != 0, ftell(f));
    fread(&in, sizeof in, 1, f);
    printf("record 0: id=%d name=%.4s\n", in.id, in.name);
    fseek(f, 0, SEEK_END);
    printf("fread at end: %u\n", (unsigned)fread(&in, sizeof in, 1, f));
    fclose(f);

    f = fopen("records.bin", "r+b");
    fseek(f, 0, SEEK_SET);
    int id = 4242;
    fwrite(&id, sizeof id, 1, f);
    fseek(f, 0, SEEK_SET);
    fread(&in, sizeof in, 1, f);
    printf("updated id=%d\n", in.id);
    fclose(f);
    remove("records.bin");
    return 0;
}
