// a widget
