"""The bundled synthetic demo department: CSV files read with importlib.resources."""
