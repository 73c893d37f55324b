/* Deliberately uses double arithmetic: the no-float check must flag this
 * library (ctest target.core_no_float_probe). Never linked into a test. */
double abota_float_probe(double a, double b);

double abota_float_probe(double a, double b)
{
    return a + b;
}
