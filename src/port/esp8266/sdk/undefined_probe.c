/* Calls a function nobody defines: the undefined-symbol check must list it. */
int abota_no_such_function(int x);
int abota_probe_entry(int x);

int abota_probe_entry(int x)
{
    return abota_no_such_function(x) + 1;
}
