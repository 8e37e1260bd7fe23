package dev.walship.server.fs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.attribute.FileAttributeView;

/**
 * Attribute views handed out by the jail are read-only: every {@code set…} method is refused.
 * Attribute changes go through {@link JailFileSystemProvider#setAttribute}, where the write policy
 * applies (the SFTP accessor never uses views to write).
 */
final class ReadOnlyViews {
  private ReadOnlyViews() {}

  static <V extends FileAttributeView> V wrap(Class<V> type, V view, String viewPath) {
    if (view == null) {
      return null;
    }
    Object proxy =
        Proxy.newProxyInstance(
            ReadOnlyViews.class.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> {
              if (method.getName().startsWith("set")) {
                throw new PolicyDeniedException(viewPath, "attributes change only through setstat");
              }
              try {
                return method.invoke(view, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
    return type.cast(proxy);
  }
}
